package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

/** A file of a table that its node cannot read (corrupt, unreadable, half written), and why. */
public record UnreadableFile(String table, String file, String reason) {
    public UnreadableFile {
        requireNonNull(table, "table is null");
        requireNonNull(file, "file is null");
        requireNonNull(reason, "reason is null");
    }
}
