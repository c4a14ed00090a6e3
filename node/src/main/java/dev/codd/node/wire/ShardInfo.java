package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One shard a node holds.
 *
 * @param file where it lies under the node's data directory, for messages only: paths are never
 *     taken from the network
 * @param stats per column, for Parquet files (from their footers)
 * @param partition the partition the shard is, when the table's manifest declares one; null otherwise
 */
public record ShardInfo(String table, String cid, String file, String format, long rows,
        List<ColumnInfo> columns, Map<String, ColumnStats> stats, ShardPartition partition) {
    public ShardInfo {
        requireNonNull(table, "table is null");
        requireNonNull(cid, "cid is null");
        requireNonNull(file, "file is null");
        requireNonNull(format, "format is null");
        columns = List.copyOf(columns);
        stats = Map.copyOf(stats);
    }

    public ShardInfo withPartition(ShardPartition newPartition) {
        return new ShardInfo(table, cid, file, format, rows, columns, stats, newPartition);
    }
}
