package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Which partition of its table a shard is. Two tables partitioned by the same {@code scheme} put
 * rows with equal keys in partitions of the same {@code id}: joined on those keys, they can be
 * joined partition by partition.
 */
public record Partition(String scheme, List<String> keys, String id) {
    public Partition {
        requireNonNull(scheme, "scheme is null");
        keys = List.copyOf(keys);
        requireNonNull(id, "id is null");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a partition needs at least one key column");
        }
    }
}
