package dev.codd.planner;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * SQL for one node, in DuckDB's dialect, over logical table names.
 *
 * @param shards for each table the SQL reads, the CIDs of the shards the node binds that name to
 * @param docker the docker_map stages whose output the SQL reads, in the order the node runs them
 */
public record Fragment(String node, String sql, Map<String, List<String>> shards, List<DockerStage> docker) {
    public Fragment {
        requireNonNull(node, "node is null");
        requireNonNull(sql, "sql is null");
        shards = Map.copyOf(shards);
        docker = List.copyOf(docker);
    }
}
