package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a node runs for a job: the job's container over the shards with these CIDs (none when the
 * job was placed by labels), sent as the body of a {@code codd.job.run} action.
 */
public record JobTask(String jobId, String user, JobSpec spec, List<String> cids) {
    public JobTask {
        requireNonNull(jobId, "jobId is null");
        requireNonNull(spec, "spec is null");
        cids = List.copyOf(cids);
    }
}
