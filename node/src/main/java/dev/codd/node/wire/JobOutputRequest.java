package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

/** One output file of a job, asked for by the job, the node that wrote it, and its path under /outputs. */
public record JobOutputRequest(String jobId, String node, String path) {
    public JobOutputRequest {
        requireNonNull(jobId, "jobId is null");
        requireNonNull(node, "node is null");
        requireNonNull(path, "path is null");
    }
}
