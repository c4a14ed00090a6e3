package dev.codd.node.compute;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.ArrowQuery;
import dev.codd.executors.Cancellation;
import dev.codd.executors.DuckDbErrors;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.FragmentValidator;
import dev.codd.executors.Input;
import dev.codd.executors.docker.DockerEngine;
import dev.codd.executors.docker.Secrets;
import dev.codd.executors.wasm.WasmFunctions;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.flight.Backpressure;
import dev.codd.node.flight.Caller;
import dev.codd.node.wire.ClusterActions;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.JobOutputRequest;
import dev.codd.node.wire.JobTask;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import dev.codd.planner.DockerStage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compute node's Flight service: DoGet takes a {@link FragmentTicket}, binds its table names to
 * the node's own shards, checks the SQL, records it in the node's audit log, runs it in DuckDB and
 * streams the result as it is computed, no faster than the requester reads it. Its actions run
 * jobs' containers ({@link JobRunner}).
 */
public final class FragmentService extends NoOpFlightProducer {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentService.class);

    private final ShardSources store;
    private final DuckDbExecutor duckdb;
    /** The users' functions registered in {@code duckdb}, each on the first fragment that calls it. */
    private final WasmFunctions functions;
    private final BufferAllocator allocator;
    private final int batchRows;
    private final ExecutorService streams;
    /** Set once the node's audit log is open; until then fragments are refused, unless the node keeps none. */
    private final AtomicReference<NodeAudit> audit;
    private final boolean auditing;
    /** Set once the node knows its name; fragments with docker_map stages wait for it like for the audit log. */
    private final AtomicReference<Containers> containers;
    private final JobRunner jobs;
    /** The fragments running now, by what stops each. */
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

    FragmentService(ShardSources store, DuckDbExecutor duckdb, WasmFunctions functions, BufferAllocator allocator,
            int batchRows, ExecutorService streams, AtomicReference<NodeAudit> audit, boolean auditing,
            AtomicReference<Containers> containers, JobRunner jobs) {
        this.jobs = jobs;
        this.functions = functions;
        this.containers = containers;
        this.audit = audit;
        this.auditing = auditing;
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
        Caller requester = Caller.current();
        streams.execute(() -> serve(ticket, requester, listener));
    }

    /**
     * Serves fragments over {@code sources} without an audit log of its own: the requester reading
     * its own log ({@code sys.audit}), whose queries its log records already.
     */
    public static FragmentService unaudited(ShardSources sources, DuckDbExecutor duckdb, WasmFunctions functions,
            BufferAllocator allocator, int batchRows, ExecutorService streams) {
        return new FragmentService(sources, duckdb, functions, allocator, batchRows, streams, new AtomicReference<>(),
                false, new AtomicReference<>(Containers.connect("requester", null, Secrets.NONE)), null);
    }

    /**
     * The node's job actions: run a job's container (on a thread of its own, as it takes as long as
     * the container does), and send one of its output files.
     */
    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        Caller requester = Caller.current();
        if (jobs == null) { // the requester's own tables are served without jobs
            super.doAction(context, action, listener);
            return;
        }
        switch (action.getType()) {
            case ClusterActions.JOB_RUN -> streams.execute(() -> WireErrors.answer(listener, () -> {
                JobTask task = WireJson.read(action.getBody(), JobTask.class);
                listener.onNext(new Result(WireJson.write(jobs.run(task, requester))));
            }));
            case ClusterActions.JOB_OUTPUT -> streams.execute(() -> WireErrors.answer(listener, () -> jobs.output(
                    WireJson.read(action.getBody(), JobOutputRequest.class), piece -> listener.onNext(new Result(piece)))));
            default -> super.doAction(context, action, listener);
        }
    }

    /** How many fragments run now, from their start in DuckDB until their last row is sent or they stop. */
    public int running() {
        return running.size();
    }

    /** Stops every fragment running now (the node is stopping); each still records its end. */
    public void cancelRunning() {
        running.forEach(Cancellation::cancel);
    }

    private void serve(Ticket ticket, Caller requester, ServerStreamListener listener) {
        NodeAudit audit = this.audit.get();
        if (audit == null && auditing) {
            listener.error(WireErrors.toFlight(new CoddException(ErrorCode.NODE_UNAVAILABLE, "The node is starting")));
            return;
        }
        FragmentTicket fragment = null;
        List<Input> inputs;
        List<DockerEngine.Image> images;
        AuditLog.Head recorded;
        try {
            fragment = WireJson.read(ticket.getBytes(), FragmentTicket.class);
            FragmentTicket read = fragment;
            inputs = read.shards().entrySet().stream()
                    .<Input>map(binding -> new Input.Sources(binding.getKey(), store.sources(binding.getKey(), binding.getValue())))
                    .toList();
            Set<String> names = new HashSet<>(read.shards().keySet());
            read.docker().forEach(stage -> names.add(stage.name()));
            Set<String> called = new HashSet<>(FragmentValidator.validate(duckdb, read.sql(), names));
            for (DockerStage stage : read.docker()) {
                called.addAll(FragmentValidator.validate(duckdb, stage.inputSql(), read.shards().keySet()));
            }
            functions.register(read.functions().stream()
                    .filter(function -> called.contains(function.internalName()))
                    .toList());
            images = read.docker().isEmpty() ? List.of() : Containers.started(containers).images(read.docker());
            recorded = audit == null ? null : audit.started(read, requester, images); // fails when the log cannot be written
        } catch (CoddException e) {
            LOG.info("Refused a fragment of query {} from {}: {}", fragment == null ? "?" : fragment.queryId(),
                    requester.address(), e.getMessage());
            if (audit != null) {
                audit.refused(fragment, requester, e);
            }
            listener.error(WireErrors.toFlight(e));
            return;
        }
        run(fragment, inputs, images, listener, audit, recorded);
    }

    /**
     * Runs the fragment; its record is written already, and on disk before the first row leaves
     * unless the node syncs on the interval.
     */
    private void run(FragmentTicket fragment, List<Input> sources, List<DockerEngine.Image> images,
            ServerStreamListener listener, NodeAudit audit, AuditLog.Head recorded) {
        long start = System.nanoTime();
        // the requester may go away while DuckDB still computes the first batch, or the node may stop
        Cancellation cancellation = new Cancellation();
        running.add(cancellation);
        long rows = 0;
        long bytes = 0;
        String status = "FAILED";
        CoddException error = null;
        Backpressure backpressure = Backpressure.watch(listener, cancellation::cancel);
        int rowsPerBatch = fragment.batchRows() > 0 ? Math.min(fragment.batchRows(), FragmentTicket.MAX_BATCH_ROWS)
                : batchRows;
        Containers.Running stages = Containers.Running.NONE;
        try {
            stages = fragment.docker().isEmpty() ? stages : Containers.started(containers).start(fragment.docker(), images, sources,
                    fragment.queryId(), duckdb, allocator, rowsPerBatch, cancellation);
            try (Containers.Running started = stages;
                    ArrowQuery query = duckdb.query(fragment.sql(), inputs(sources, started), allocator, rowsPerBatch,
                            cancellation)) {
                ArrowReader reader = query.reader();
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                // DuckDB computes the first batch while the record is synced (a scan's work is done batch by batch)
                boolean more = reader.loadNextBatch();
                if (audit != null) {
                    audit.beforeFirstRow(recorded); // unrecorded, nothing leaves
                }
                listener.start(root);
                for (; more; more = reader.loadNextBatch()) {
                    if (!backpressure.awaitReady()) {
                        cancellation.cancel();
                        status = "CANCELLED";
                        return;
                    }
                    rows += root.getRowCount();
                    bytes += root.getFieldVectors().stream().mapToLong(FieldVector::getBufferSize).sum();
                    listener.putNext();
                }
                Optional<CoddException> stageFailed = stages.failure();
                if (stageFailed.isPresent()) { // the output ended, but not because the container was done
                    throw stageFailed.get();
                }
                listener.completed();
                status = "FINISHED";
            }
        } catch (CoddException e) {
            error = stages.failure().orElse(e);
            LOG.info("Fragment of query {} failed: {}", fragment.queryId(), error.getMessage());
            listener.error(WireErrors.toFlight(error));
        } catch (IOException | RuntimeException e) {
            error = stages.failure().orElseGet(() -> e instanceof IOException ? DuckDbErrors.translate(e)
                    : new CoddException(ErrorCode.INTERNAL_ERROR, e.toString(), e));
            if (e instanceof RuntimeException && stages.failure().isEmpty()) {
                LOG.error("Fragment of query {} failed", fragment.queryId(), e);
            }
            listener.error(WireErrors.toFlight(error));
        } finally {
            running.remove(cancellation);
            if (cancellation.cancelled() && !status.equals("FINISHED")) {
                status = "CANCELLED"; // the requester went away, or the node stops: what failed was the interrupted query
            }
            if (audit != null) {
                audit.ended(fragment, status, error, rows, bytes, System.nanoTime() - start);
            }
        }
    }

    /** The fragment's shards, and the output of its docker_map stages. */
    private static List<Input> inputs(List<Input> sources, Containers.Running stages) {
        List<Input> all = new ArrayList<>(sources);
        all.addAll(stages.outputs());
        return all;
    }
}
