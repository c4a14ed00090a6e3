package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.wire.ClusterActions;
import dev.codd.node.wire.Job;
import dev.codd.node.wire.JobExecution;
import dev.codd.node.wire.JobOutputRequest;
import dev.codd.node.wire.JobSpec;
import dev.codd.node.wire.JobTask;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import dev.codd.planner.catalog.ClusterCatalog;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Result;

/**
 * Jobs, Bacalhau's way: a container run on chosen nodes, over a table's shards there (mounted
 * read-only at /inputs) or on nodes with given labels, its files left in /outputs on each node
 * and fetched by CID on demand. The requester chooses the nodes, keeps every job's state and
 * history (in {@code jobs.json}, rewritten whole on each change), and relays outputs.
 */
final class Jobs {
    private final Path file;
    private final NodeRegistry registry;
    private final NodeClients clients;
    private final RequesterAudit audit;
    private final ExecutorService runners;
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /**
     * The jobs {@code kept} (see {@link #load}), kept on in {@code directory} (null: in memory only);
     * one that was running when the requester stopped is failed.
     */
    Jobs(Path directory, List<Job> kept, NodeRegistry registry, NodeClients clients, RequesterAudit audit,
            ExecutorService runners) {
        this.file = directory == null ? null : directory.resolve("jobs.json");
        this.registry = registry;
        this.clients = clients;
        this.audit = audit;
        this.runners = runners;
        for (Job job : kept) {
            boolean unfinished = job.state().equals("QUEUED") || job.state().equals("RUNNING");
            jobs.put(job.id(), unfinished ? changed(job, "FAILED", job.executions(), new Job.Event(Instant.now(), null,
                    "FAILED", "the requester stopped while the job ran; its nodes may have finished it")) : job);
        }
    }

    /** The jobs kept in {@code directory}: none when it is null or new. */
    static List<Job> load(Path directory) {
        Path file = directory == null ? null : directory.resolve("jobs.json");
        if (file == null || !Files.exists(file)) {
            return List.of();
        }
        try {
            return WireJson.readList(Files.readAllBytes(file), Job.class);
        } catch (IOException | CoddException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Cannot read the jobs in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Chooses the job's nodes, records it, and starts it on each; fails at once when no node can run it. */
    Job submit(String user, JobSpec asked) {
        ClusterCatalog catalog = registry.catalog();
        ClusterTable table = asked.table() == null ? null : catalog.table(asked.table()).orElseThrow(
                () -> new CoddException(ErrorCode.TABLE_NOT_FOUND, "Table '" + asked.table() + "' not found"));
        // the table as the catalog spells it: nodes find its directory by that name
        JobSpec spec = table == null ? asked
                : new JobSpec(asked.image(), asked.command(), asked.env(), table.name(), asked.nodeLabels());
        Map<String, List<String>> tasks = table != null ? onShards(table, catalog.containerNodes())
                : byLabels(spec.nodeLabels());
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Job job = new Job(id, user, spec, "QUEUED", now, List.copyOf(tasks.keySet()), List.of(),
                List.of(new Job.Event(now, null, "QUEUED", "on " + String.join(", ", tasks.keySet()))));
        audit.jobSubmitted(job); // before it is kept: a job the log cannot hold is refused
        synchronized (this) {
            jobs.put(id, job);
            save();
        }
        tasks.forEach((node, cids) -> runners.execute(() -> run(id, user, spec, node, cids)));
        return job;
    }

    /** For each node that runs the job, the CIDs of its shards of {@code table}: each shard once, spread evenly. */
    private static Map<String, List<String>> onShards(ClusterTable table, Set<String> containerNodes) {
        Map<String, List<String>> tasks = new TreeMap<>();
        for (Shard shard : table.shards()) {
            String node = shard.nodes().stream().filter(containerNodes::contains)
                    .min(Comparator.comparing((String candidate) -> tasks.getOrDefault(candidate, List.of()).size())
                            .thenComparing(Comparator.naturalOrder()))
                    .orElseThrow(() -> new CoddException(ErrorCode.NOT_SUPPORTED, "Shard " + shard.cid() + " of "
                            + table.name() + " lies on " + (shard.nodes().isEmpty() ? "no live node"
                                    : "node " + String.join(", ", shard.nodes()) + ", which runs no containers")));
            tasks.computeIfAbsent(node, n -> new ArrayList<>()).add(shard.cid());
        }
        if (tasks.isEmpty()) {
            throw new CoddException(ErrorCode.NOT_SUPPORTED, "Table " + table.name() + " has no shards to run the job over");
        }
        return tasks;
    }

    /** Every live node that runs containers and carries {@code labels}, without inputs. */
    private Map<String, List<String>> byLabels(Map<String, String> labels) {
        Map<String, List<String>> tasks = new TreeMap<>();
        for (NodeRegistry.NodeState node : registry.nodes()) {
            if (node.up() && node.containers() && node.labels().entrySet().containsAll(labels.entrySet())) {
                tasks.put(node.name(), List.of());
            }
        }
        if (tasks.isEmpty()) {
            throw new CoddException(ErrorCode.NOT_SUPPORTED, "No live node that runs containers carries the labels "
                    + labels);
        }
        return tasks;
    }

    private void run(String id, String user, JobSpec spec, String node, List<String> cids) {
        Instant started = Instant.now();
        update(id, job -> {
            Job.Event running = new Job.Event(Instant.now(), node, "RUNNING", null);
            return job.state().equals("QUEUED")
                    ? changed(job, "RUNNING", job.executions(), running, new Job.Event(running.time(), null, "RUNNING", null))
                    : changed(job, job.state(), job.executions(), running);
        });
        JobExecution execution;
        try {
            NodeRegistry.NodeState state = registry.node(node).orElseThrow(() -> new CoddException(
                    ErrorCode.NODE_UNAVAILABLE, "Node " + node + " has left the cluster"));
            // the node ends the container at its own time limit; this one only guards against a lost node
            Iterator<Result> results = clients.client(state.address()).doAction(new Action(ClusterActions.JOB_RUN,
                    WireJson.write(new JobTask(id, user, spec, cids))), CallOptions.timeout(6, TimeUnit.HOURS));
            execution = WireJson.read(results.next().getBody(), JobExecution.class);
            results.forEachRemaining(ignored -> { });
        } catch (FlightRuntimeException e) {
            CoddException error = WireErrors.fromNode(e, ErrorCode.NODE_FAILED, node);
            execution = new JobExecution(node, "FAILED", null, null, error.getMessage(), "", List.of(), started,
                    Instant.now());
        } catch (CoddException e) {
            execution = new JobExecution(node, "FAILED", null, null, e.getMessage(), "", List.of(), started,
                    Instant.now());
        }
        JobExecution ended = execution;
        Job finished = update(id, job -> {
            List<JobExecution> executions = new ArrayList<>(job.executions());
            executions.add(ended);
            Job.Event nodeEvent = new Job.Event(Instant.now(), node, ended.state(), ended.error());
            if (executions.size() < job.nodes().size()) {
                return changed(job, job.state(), executions, nodeEvent);
            }
            long failed = executions.stream().filter(e -> !e.state().equals("COMPLETED")).count();
            String state = failed == 0 ? "COMPLETED" : "FAILED";
            return changed(job, state, executions, nodeEvent, new Job.Event(Instant.now(), null, state,
                    failed == 0 ? null : failed + " of " + executions.size() + " executions failed"));
        });
        if (!finished.state().equals("RUNNING")) {
            audit.jobEnded(finished);
        }
    }

    private synchronized Job update(String id, UnaryOperator<Job> change) {
        Job changed = change.apply(jobs.get(id));
        jobs.put(id, changed);
        save();
        return changed;
    }

    /** The job in {@code state}, with these executions, and these changes added to its history. */
    private static Job changed(Job job, String state, List<JobExecution> executions, Job.Event... events) {
        List<Job.Event> history = new ArrayList<>(job.history());
        history.addAll(List.of(events));
        return new Job(job.id(), job.user(), job.spec(), state, job.created(), job.nodes(), executions, history);
    }

    synchronized List<Job> list() {
        return List.copyOf(jobs.values());
    }

    synchronized Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Passes on the pieces of one output file, as its node sends them. */
    void output(JobOutputRequest request, Consumer<byte[]> pieces) {
        Job job = get(request.jobId()).orElseThrow(() -> new CoddException(ErrorCode.INVALID_ARGUMENT,
                "No job " + request.jobId()));
        if (!job.nodes().contains(request.node())) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Job " + job.id() + " did not run on node " + request.node());
        }
        NodeRegistry.NodeState node = registry.node(request.node()).filter(NodeRegistry.NodeState::up)
                .orElseThrow(() -> new CoddException(ErrorCode.NODE_UNAVAILABLE, "Node " + request.node()
                        + ", which keeps the job's outputs, is down"));
        try {
            clients.client(node.address()).doAction(new Action(ClusterActions.JOB_OUTPUT, WireJson.write(request)),
                    CallOptions.timeout(1, TimeUnit.HOURS)).forEachRemaining(result -> pieces.accept(result.getBody()));
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromNode(e, ErrorCode.NODE_FAILED, request.node());
        }
    }

    /** Writes every job, atomically: a crash leaves the old file or the new one. */
    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path written = file.resolveSibling("jobs.json.tmp");
            Files.write(written, WireJson.writePretty(List.copyOf(jobs.values())));
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot write the jobs to " + file + ": " + e, e);
        }
    }
}
