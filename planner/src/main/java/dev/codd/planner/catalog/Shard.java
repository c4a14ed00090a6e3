package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One piece of a table, identified by the CID of its content.
 *
 * @param nodes the live nodes that hold a replica; the planner reads the shard from one of them
 * @param partition the partition the shard is, when its node declares one
 * @param ranges each column's min and max in the shard, where known (Parquet statistics)
 */
public record Shard(String cid, long rowCount, List<String> nodes, Optional<Partition> partition,
        Map<String, ColumnRange> ranges) {
    public Shard {
        requireNonNull(cid, "cid is null");
        nodes = List.copyOf(nodes);
        requireNonNull(partition, "partition is null");
        ranges = Map.copyOf(ranges);
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is negative: " + rowCount);
        }
    }

    public Shard(String cid, long rowCount, List<String> nodes) {
        this(cid, rowCount, nodes, Optional.empty(), Map.of());
    }
}
