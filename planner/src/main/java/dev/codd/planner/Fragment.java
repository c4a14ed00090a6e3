package dev.codd.planner;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * SQL for one node, in DuckDB's dialect, over logical table names.
 *
 * @param shards for each table the SQL reads, the CIDs of the shards the node binds that name to
 */
public record Fragment(String node, String sql, Map<String, List<String>> shards) {
    public Fragment {
        requireNonNull(node, "node is null");
        requireNonNull(sql, "sql is null");
        shards = Map.copyOf(shards);
    }
}
