package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The partition a shard is, as its table's manifest declares it. */
public record ShardPartition(String scheme, List<String> keys, String id) {
    public ShardPartition {
        requireNonNull(scheme, "scheme is null");
        keys = List.copyOf(keys);
        requireNonNull(id, "id is null");
    }
}
