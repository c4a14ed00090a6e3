package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One piece of a table, identified by the CID of its content.
 *
 * @param nodes the live nodes that hold a replica; the planner reads the shard from one of them
 */
public record Shard(String cid, long rowCount, List<String> nodes) {
    public Shard {
        requireNonNull(cid, "cid is null");
        nodes = List.copyOf(nodes);
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is negative: " + rowCount);
        }
    }
}
