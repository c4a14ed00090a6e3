package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

/** A job handed to the requester, with who hands it. */
public record JobSubmission(String user, JobSpec spec) {
    public JobSubmission {
        requireNonNull(spec, "spec is null");
    }
}
