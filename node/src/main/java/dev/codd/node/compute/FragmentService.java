package dev.codd.node.compute;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.ArrowQuery;
import dev.codd.executors.DuckDbErrors;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.FragmentValidator;
import dev.codd.executors.Input;
import dev.codd.node.flight.Backpressure;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compute node's Flight service: DoGet takes a {@link FragmentTicket}, binds its table names to
 * the node's own shards, checks the SQL, runs it in DuckDB and streams the result as it is
 * computed, no faster than the requester reads it.
 */
final class FragmentService extends NoOpFlightProducer {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentService.class);

    private final DataStore store;
    private final DuckDbExecutor duckdb;
    private final BufferAllocator allocator;
    private final int batchRows;
    private final ExecutorService streams;

    FragmentService(DataStore store, DuckDbExecutor duckdb, BufferAllocator allocator, int batchRows,
            ExecutorService streams) {
        this.store = store;
        this.duckdb = duckdb;
        this.allocator = allocator;
        this.batchRows = batchRows;
        this.streams = streams;
    }

    /**
     * Streams on a thread of its own: gRPC delivers a call's ready and cancel signals on the thread
     * that called this method, so it must return before the stream can wait for them.
     */
    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        streams.execute(() -> serve(ticket, listener));
    }

    private void serve(Ticket ticket, ServerStreamListener listener) {
        FragmentTicket fragment = null;
        try {
            fragment = WireJson.read(ticket.getBytes(), FragmentTicket.class);
            run(fragment, listener);
        } catch (CoddException e) {
            LOG.info("Fragment of query {} failed: {}", fragment == null ? "?" : fragment.queryId(), e.getMessage());
            listener.error(WireErrors.toFlight(e));
        } catch (RuntimeException e) {
            LOG.error("Fragment failed", e);
            listener.error(WireErrors.toFlight(new CoddException(ErrorCode.INTERNAL_ERROR, e.toString(), e)));
        }
    }

    private void run(FragmentTicket fragment, ServerStreamListener listener) {
        List<Input> inputs = fragment.shards().entrySet().stream()
                .<Input>map(binding -> new Input.Sources(binding.getKey(), store.sources(binding.getKey(), binding.getValue())))
                .toList();
        FragmentValidator.validate(duckdb, fragment.sql(), fragment.shards().keySet());
        try (ArrowQuery query = duckdb.query(fragment.sql(), inputs, allocator, batchRows)) {
            ArrowReader reader = query.reader();
            Backpressure backpressure = Backpressure.watch(listener, query::cancel);
            listener.start(reader.getVectorSchemaRoot());
            while (reader.loadNextBatch()) {
                if (!backpressure.awaitReady()) {
                    query.cancel();
                    return;
                }
                listener.putNext();
            }
            listener.completed();
        } catch (IOException e) {
            throw DuckDbErrors.translate(e);
        }
    }
}
