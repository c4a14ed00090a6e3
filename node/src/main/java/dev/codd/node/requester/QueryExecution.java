package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.ArrowQuery;
import dev.codd.executors.Cancellation;
import dev.codd.executors.DuckDbErrors;
import dev.codd.executors.Input;
import dev.codd.executors.wasm.WasmFunction;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditTables;
import dev.codd.node.flight.Backpressure;
import dev.codd.node.flight.Caller;
import dev.codd.node.requester.QueryRecord.NodeTraffic;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.NodeAddress;
import dev.codd.node.wire.WireErrors;
import dev.codd.planner.DistributedPlan;
import dev.codd.planner.Exchange;
import dev.codd.planner.Fragment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One query running over the cluster: its fragments stream from the nodes into exchanges, the root
 * plan (if any) runs over the exchanges in the requester's DuckDB, and the result streams to the
 * client. It starts when the client asks for the query's FlightInfo, so that errors surface at
 * execute time, and streams when the client asks for the rows.
 */
final class QueryExecution implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryExecution.class);

    private final String id;
    private final Caller caller;
    private final String sql;
    private final DistributedPlan plan;
    private final QueryServices services;
    private final BufferAllocator allocator;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private final List<FragmentFetcher> fetchers = new CopyOnWriteArrayList<>();
    private final List<ExchangeReader> exchanges = new CopyOnWriteArrayList<>();
    private volatile ArrowQuery rootQuery;
    /** Stops the root query, also while it computes its first batch; used from fetcher and timer threads. */
    private final Cancellation rootCancellation = new Cancellation();
    private ArrowReader result;
    /** The users' functions the query calls: the nodes and the root DuckDB must know them. */
    private final List<WasmFunction> functions;
    private Schema schema;
    private volatile CoddException failure;
    private volatile boolean ended;
    private volatile long rowsSent; // written by the streaming thread only
    private ScheduledFuture<?> timeout;
    private AuditLog.Head planned;
    private boolean closed;

    QueryExecution(String id, Caller caller, String sql, DistributedPlan plan, QueryServices services) {
        this.id = id;
        this.caller = caller;
        this.sql = sql;
        this.plan = plan;
        this.services = services;
        this.functions = services.functions().definitions(plan.functions());
        this.allocator = services.allocator().newChildAllocator("query-" + id, 0, Long.MAX_VALUE);
        services.log().started(id, caller.progressKey(), () -> record(QueryRecord.State.RUNNING, null));
    }

    /** Sends the fragments to their nodes and waits until the result's schema is known. */
    void start() {
        long limit = caller.queryTimeoutMillis();
        if (limit > 0) {
            timeout = services.timers().schedule(() -> timeOut(limit), limit, TimeUnit.MILLISECONDS);
        }
        try {
            planned = services.audit().planned(id, plan); // written before any fragment runs, on disk before the first row
            launch();
            if (failure != null) {
                throw failure; // a node failed or went down while the query started
            }
        } catch (RuntimeException e) {
            CoddException error = failureFrom(e);
            cancel(error);
            end(stateOf(error), error);
            close();
            throw error;
        }
    }

    /** Rows per batch of the result: the client's fetch size, within bounds, or the requester's own. */
    private int batchRows() {
        return caller.fetchSize() > 0 ? Math.min(caller.fetchSize(), FragmentTicket.MAX_BATCH_ROWS) : services.batchRows();
    }

    /** What one fragment did, for EXPLAIN ANALYZE. */
    record FragmentRun(Fragment fragment, long rows, long bytes, long batches, long nanos) {}

    /**
     * Runs the query to its end without sending its rows anywhere, and says what each fragment did:
     * EXPLAIN ANALYZE. What it says leaves as the rows of a query of its own, whose wait for its
     * records on disk covers this one's, written before.
     */
    List<FragmentRun> drain() {
        try {
            while (result.loadNextBatch()) {
                // the rows themselves are not wanted
            }
            end(QueryRecord.State.FINISHED, null);
            return fetchers.stream()
                    .map(f -> new FragmentRun(f.fragment(), f.rows(), f.bytes(), f.batches(), f.elapsedNanos()))
                    .toList();
        } catch (IOException | RuntimeException e) {
            CoddException error = failureFrom(e);
            cancel(error);
            end(stateOf(error), error);
            throw error;
        } finally {
            close();
        }
    }

    /** Gives up a query nobody will read: stops it, records why, releases everything. */
    void abort(CoddException why) {
        cancel(why);
        end(QueryRecord.State.CANCELLED, why);
        close();
    }

    String id() {
        return id;
    }

    /** The result's schema, with the column names the user asked for. */
    Schema schema() {
        return schema;
    }

    private void launch() {
        List<List<FragmentFetcher>> byExchange = new ArrayList<>();
        for (Exchange exchange : plan.exchanges()) {
            List<FragmentFetcher> exchangeFetchers = new ArrayList<>();
            for (Fragment fragment : exchange.fragments()) {
                NodeAddress address = addressOf(fragment.node());
                exchangeFetchers.add(new FragmentFetcher(id, caller.user(), fragment, functions, caller.fetchSize(), address,
                        services.clients().client(address), this::cancel));
            }
            fetchers.addAll(exchangeFetchers);
            byExchange.add(exchangeFetchers);
        }
        fetchers.forEach(services.fetchers()::execute);
        awaitSchemas();
        for (int i = 0; i < plan.exchanges().size(); i++) {
            Exchange exchange = plan.exchanges().get(i);
            List<FragmentFetcher> exchangeFetchers = byExchange.get(i);
            Schema exchangeSchema = renamed(agreedSchema(exchange, exchangeFetchers), exchange.columnNames());
            ExchangeReader reader = new ExchangeReader(allocator, exchangeSchema, exchangeFetchers.size());
            exchanges.add(reader);
            exchangeFetchers.forEach(fetcher -> fetcher.sendTo(reader));
        }
        if (plan.rootSql().isPresent()) {
            List<Input> inputs = new ArrayList<>();
            for (int i = 0; i < exchanges.size(); i++) {
                inputs.add(new Input.Arrow(plan.exchanges().get(i).name(), exchanges.get(i)));
            }
            try {
                services.rootFunctions().register(functions); // for what the root computes from the nodes' rows
                rootQuery = services.rootDuckDb().query(plan.rootSql().get(), inputs, allocator, batchRows(),
                        rootCancellation);
            } catch (CoddException e) {
                throw failure != null ? failure : e;
            }
            result = rootQuery.reader();
        } else {
            result = exchanges.get(0);
        }
        try {
            schema = renamed(result.getVectorSchemaRoot().getSchema(), plan.columnNames());
        } catch (IOException e) {
            throw failure != null ? failure : DuckDbErrors.translate(e);
        }
    }

    /** Where a fragment's node listens: the requester's own for its own tables, a live node's otherwise. */
    private NodeAddress addressOf(String node) {
        if (node.equals(AuditTables.REQUESTER)) {
            return services.systemTables();
        }
        return services.registry().node(node)
                .filter(NodeRegistry.NodeState::up)
                .orElseThrow(() -> new CoddException(ErrorCode.NODE_UNAVAILABLE, "Node " + node + " is down"))
                .address();
    }

    /** Waits until every node has started its fragment, failing on the first error or at the timeout. */
    private void awaitSchemas() {
        CompletableFuture<Void> firstFailure = new CompletableFuture<>();
        List<CompletableFuture<?>> schemas = new ArrayList<>();
        for (FragmentFetcher fetcher : fetchers) {
            schemas.add(fetcher.schema().whenComplete((s, error) -> {
                if (error != null) {
                    firstFailure.completeExceptionally(error);
                }
            }));
        }
        CompletableFuture.allOf(schemas.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> firstFailure.complete(null));
        Duration timeout = services.nodeTimeout();
        try {
            firstFailure.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            FragmentFetcher late = fetchers.stream().filter(f -> !f.schema().isDone()).findFirst().orElseThrow();
            throw late.nodeError(ErrorCode.NODE_UNAVAILABLE,
                    "did not start its fragment within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CoddException coddException
                    ? coddException
                    : new CoddException(ErrorCode.INTERNAL_ERROR, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoddException(ErrorCode.QUERY_CANCELLED, "Interrupted while starting fragments");
        }
    }

    /** The fragments' common schema; nodes that disagree on types cannot be merged. */
    private static Schema agreedSchema(Exchange exchange, List<FragmentFetcher> exchangeFetchers) {
        FragmentFetcher first = exchangeFetchers.get(0);
        Schema reference = first.schema().join();
        for (FragmentFetcher other : exchangeFetchers) {
            List<Field> fields = other.schema().join().getFields();
            boolean same = fields.size() == reference.getFields().size();
            for (int i = 0; same && i < fields.size(); i++) {
                same = fields.get(i).getType().equals(reference.getFields().get(i).getType());
            }
            if (!same) {
                throw new CoddException(ErrorCode.INTERNAL_ERROR, "Nodes " + first.node() + " and " + other.node()
                        + " returned different types for " + exchange.name() + ": " + reference + " and "
                        + other.schema().join());
            }
        }
        return reference;
    }

    static Schema renamed(Schema schema, List<String> names) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < schema.getFields().size(); i++) {
            Field field = schema.getFields().get(i);
            fields.add(new Field(names.get(i), field.getFieldType(), field.getChildren()));
        }
        return new Schema(fields);
    }

    /** Streams the result to the client, at the client's pace. */
    void streamTo(ServerStreamListener listener) {
        try (VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator)) {
            Backpressure backpressure = Backpressure.watch(listener,
                    () -> cancel(new CoddException(ErrorCode.QUERY_CANCELLED, "Query cancelled")));
            services.audit().awaitDisk(planned); // the query's records are on disk before its first row leaves
            listener.start(out);
            VectorSchemaRoot in = result.getVectorSchemaRoot();
            while (result.loadNextBatch()) {
                for (int i = 0; i < in.getFieldVectors().size(); i++) {
                    in.getVector(i).makeTransferPair(out.getVector(i)).transfer();
                }
                out.setRowCount(in.getRowCount());
                rowsSent += in.getRowCount();
                if (!backpressure.awaitReady()) {
                    cancel(new CoddException(ErrorCode.QUERY_CANCELLED, "Query cancelled: the client went away"));
                    end(QueryRecord.State.CANCELLED, failure);
                    return;
                }
                listener.putNext();
            }
            end(QueryRecord.State.FINISHED, null); // logged before the client can see the end
            listener.completed();
        } catch (IOException | RuntimeException e) {
            CoddException error = failureFrom(e);
            cancel(error);
            LOG.info("Query {} failed: {}", id, error.getMessage());
            end(stateOf(error), error);
            listener.error(WireErrors.toFlight(error));
        } finally {
            close();
        }
    }

    /** Stops the query everywhere: on the nodes, in the exchanges, in the root DuckDB. */
    /**
     * Why the query failed: the first failure a fetcher or a node reported, else what {@code e}
     * says (a Codd error, one a stream wrapped, or DuckDB's at the root).
     */
    private CoddException failureFrom(Exception e) {
        if (failure != null) {
            return failure;
        } else if (e instanceof CoddException codd) {
            return codd;
        } else if (e.getCause() instanceof CoddException cause) {
            return cause;
        }
        return DuckDbErrors.translate(e);
    }

    /** The client's time limit passed: the query stops, and ends as timed out. */
    private void timeOut(long limitMillis) {
        if (!ended) {
            cancel(new CoddException(ErrorCode.QUERY_TIMED_OUT,
                    "Query " + id + " timed out after " + limitMillis + " ms (the statement's query timeout)"));
        }
    }

    void cancel(CoddException why) {
        if (failure == null) {
            failure = why;
        }
        fetchers.forEach(fetcher -> fetcher.cancel(failure));
        exchanges.forEach(exchange -> exchange.fail(failure));
        rootCancellation.cancel();
    }

    /** A node stopped answering heartbeats; if it still owes this query rows, the query fails. */
    void nodeDown(String node) {
        fetchers.stream()
                .filter(fetcher -> fetcher.node().equals(node) && !fetcher.done())
                .findFirst()
                .ifPresent(fetcher -> cancel(fetcher.nodeError(ErrorCode.NODE_UNAVAILABLE,
                        "stopped sending heartbeats while it ran a fragment")));
    }

    private static QueryRecord.State stateOf(CoddException error) {
        return switch (error.errorCode()) {
            case QUERY_CANCELLED -> QueryRecord.State.CANCELLED;
            case QUERY_TIMED_OUT -> QueryRecord.State.TIMED_OUT;
            default -> QueryRecord.State.FAILED;
        };
    }

    private void end(QueryRecord.State state, CoddException error) {
        synchronized (this) { // the streaming thread and a shutdown's abort may both end it: one record
            if (ended) {
                return;
            }
            ended = true;
        }
        QueryRecord record = record(state, error);
        services.log().ended(record);
        services.audit().ended(record);
    }

    /** The query as it stands: what each node sent so far, how long it has run. */
    private QueryRecord record(QueryRecord.State state, CoddException error) {
        Map<String, long[]> traffic = new TreeMap<>();
        for (FragmentFetcher fetcher : fetchers) {
            long[] sums = traffic.computeIfAbsent(fetcher.node(), n -> new long[2]);
            sums[0] += fetcher.rows();
            sums[1] += fetcher.bytes();
        }
        List<NodeTraffic> perNode = traffic.entrySet().stream()
                .map(e -> new NodeTraffic(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList();
        Optional<String> message = Optional.ofNullable(error)
                .map(e -> e.errorCode().sqlState() + ": " + e.getMessage());
        return new QueryRecord(id, caller.user(), sql, state, started, Duration.ofNanos(System.nanoTime() - startNanos),
                rowsSent, perNode, fetchers.size(), (int) fetchers.stream().filter(FragmentFetcher::done).count(), message);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        CoddException ending = failure != null ? failure : new CoddException(ErrorCode.QUERY_CANCELLED, "Query ended");
        fetchers.stream().filter(fetcher -> !fetcher.done()).forEach(fetcher -> fetcher.cancel(ending));
        // DuckDB threads may still wait in an exchange: they must fail before the root query closes
        exchanges.forEach(exchange -> exchange.fail(ending));
        if (rootQuery != null) {
            rootQuery.close();
        }
        for (ExchangeReader exchange : exchanges) {
            try {
                exchange.close();
            } catch (IOException | RuntimeException ignored) {
                // DuckDB may have released it already
            }
        }
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            LOG.warn("Query {} left memory behind: {}", id, e.getMessage());
        }
    }
}
