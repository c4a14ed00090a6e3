package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

/** A column of a shard: its name and DuckDB type. */
public record ColumnInfo(String name, String type) {
    public ColumnInfo {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
