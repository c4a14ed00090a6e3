package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A job as the requester keeps it: what was asked, where it runs, and every change of state.
 *
 * @param state {@code QUEUED}, {@code RUNNING}, {@code COMPLETED} (every node's execution did) or
 *     {@code FAILED}
 * @param nodes the nodes chosen to run it
 * @param executions how each node ran it, as they end
 * @param history every change of state, of the job and of each node's execution, in order
 */
public record Job(String id, String user, JobSpec spec, String state, Instant created, List<String> nodes,
        List<JobExecution> executions, List<Event> history) {
    public Job {
        requireNonNull(id, "id is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(state, "state is null");
        nodes = List.copyOf(nodes);
        executions = List.copyOf(executions);
        history = List.copyOf(history);
    }

    /** A change of state; {@code node} is null for the job's own. */
    public record Event(Instant time, String node, String state, String detail) {}
}
