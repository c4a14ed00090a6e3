package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * How one node ran a job.
 *
 * @param state {@code COMPLETED} (exit code 0) or {@code FAILED}
 * @param imageId the ID of the image that ran; null when none did
 * @param error why the execution failed, null when it did not
 * @param logs the end of what the container wrote to stdout and stderr
 * @param outputs the files the container left in /outputs, each with its CID
 */
public record JobExecution(String node, String state, String imageId, Long exitCode, String error, String logs,
        List<JobOutput> outputs, Instant started, Instant ended) {
    public JobExecution {
        requireNonNull(node, "node is null");
        requireNonNull(state, "state is null");
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** A file a job wrote, by its path under /outputs and the CID of its bytes. */
    public record JobOutput(String path, String cid, long bytes) {
        public JobOutput {
            requireNonNull(path, "path is null");
            requireNonNull(cid, "cid is null");
        }
    }
}
