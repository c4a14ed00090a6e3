package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.wasm.WasmFunction;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.NodeAddress;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import dev.codd.planner.Fragment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** Runs one fragment on its node and feeds the batches it streams back into the fragment's exchange. */
final class FragmentFetcher implements Runnable {
    private final String queryId;
    private final String user;
    private final List<WasmFunction> functions;
    private final Fragment fragment;
    private final NodeAddress address;
    private final FlightClient client;
    private final CompletableFuture<Schema> schema = new CompletableFuture<>();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final int batchRows;
    private volatile ExchangeReader sink;
    private volatile FlightStream stream;
    private final Consumer<CoddException> onFailure;
    private volatile CoddException cancelReason;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile long startNanos;
    private volatile long endNanos;

    /**
     * @param user who runs the query, for the node's audit log; null when not known
     * @param onFailure told when the fragment fails, so that the whole query stops
     */
    FragmentFetcher(String queryId, String user, Fragment fragment, List<WasmFunction> functions, int batchRows,
            NodeAddress address, FlightClient client, Consumer<CoddException> onFailure) {
        this.queryId = queryId;
        this.batchRows = batchRows;
        this.functions = functions;
        this.user = user;
        this.fragment = fragment;
        this.address = address;
        this.client = client;
        this.onFailure = onFailure;
    }

    String node() {
        return fragment.node();
    }

    Fragment fragment() {
        return fragment;
    }

    /** The schema of the fragment's result, once the node has started it. */
    CompletableFuture<Schema> schema() {
        return schema;
    }

    /** Whether the fragment's stream has ended, for better or worse. */
    boolean done() {
        return done;
    }

    /** How long the fragment took, from the request to its last batch; 0 while it runs. */
    long elapsedNanos() {
        return endNanos == 0 ? 0 : endNanos - startNanos;
    }

    long rows() {
        return rows.get();
    }

    long bytes() {
        return bytes.get();
    }

    long batches() {
        return batches.get();
    }

    /** Where batches go; set once the exchange's schema is known. */
    void sendTo(ExchangeReader reader) {
        this.sink = reader;
        synchronized (this) {
            notifyAll();
        }
    }

    /** The error naming this fragment's node, for a failure the node did not explain itself. */
    CoddException nodeError(ErrorCode code, String what) {
        return new CoddException(code, "Node " + fragment.node() + " (" + address + ") " + what);
    }

    /** Stops the fragment; a caller still waiting for its schema gets {@code why}. */
    void cancel(CoddException why) {
        cancelReason = why;
        cancelled = true;
        schema.completeExceptionally(why);
        FlightStream current = stream;
        if (current != null) {
            current.cancel("query ended", null);
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Streams the fragment into its exchange; whatever happens, the exchange hears the end or a failure. */
    @Override
    public void run() {
        CoddException error = null;
        boolean finished = false;
        startNanos = System.nanoTime();
        try {
            FragmentTicket ticket = new FragmentTicket(queryId, user, fragment.sql(), fragment.shards(), functions,
                    batchRows, fragment.docker());
            stream = client.getStream(new Ticket(WireJson.write(ticket)));
            if (cancelled) {
                return;
            }
            schema.complete(stream.getSchema());
            ExchangeReader reader = awaitSink();
            if (reader == null) {
                return;
            }
            while (!cancelled && stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch();
                rows.addAndGet(root.getRowCount());
                batches.incrementAndGet();
                bytes.addAndGet(batch.computeBodyLength());
                boolean taken = false;
                try {
                    taken = reader.offer(batch);
                } finally {
                    if (!taken) {
                        batch.close();
                    }
                }
                if (!taken) {
                    return;
                }
            }
            if (!cancelled) {
                reader.finished();
                finished = true;
            }
        } catch (FlightRuntimeException e) {
            error = translate(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = nodeError(ErrorCode.QUERY_CANCELLED, "fetch was interrupted");
        } catch (RuntimeException e) {
            error = nodeError(ErrorCode.INTERNAL_ERROR, "stream failed: " + e);
        } finally {
            CoddException reason = cancelled && cancelReason != null ? cancelReason : error;
            if (error != null && !cancelled) {
                onFailure.accept(error);
            }
            if (reason != null) {
                schema.completeExceptionally(reason);
            }
            ExchangeReader reader = sink;
            if (reader != null && !finished) {
                reader.fail(reason != null ? reason : nodeError(ErrorCode.INTERNAL_ERROR, "stream ended early"));
            }
            closeStream();
            endNanos = System.nanoTime();
            done = true;
        }
    }

    private CoddException translate(FlightRuntimeException e) {
        FlightStatusCode status = e.status().code();
        if (status == FlightStatusCode.UNAVAILABLE && !WireErrors.hasCoddCode(e)) {
            Throwable cause = e.status().cause();
            String why = cause != null && cause.getMessage() != null ? cause.getMessage() : e.status().description();
            return nodeError(ErrorCode.NODE_UNAVAILABLE, "is unreachable: " + why);
        }
        return WireErrors.fromNode(e, ErrorCode.NODE_FAILED, fragment.node());
    }

    private ExchangeReader awaitSink() throws InterruptedException {
        synchronized (this) {
            while (sink == null && !cancelled) {
                wait();
            }
        }
        return cancelled ? null : sink;
    }

    private void closeStream() {
        FlightStream current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (Exception ignored) {
                // the stream failed or was cancelled; its buffers are released either way
            }
        }
    }
}
