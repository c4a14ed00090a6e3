package dev.codd.planner;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A query cut into work for the nodes and work for the requester.
 *
 * @param exchanges each gathers the streams of its fragments into one table of the root plan
 * @param rootSql DuckDB SQL the requester runs over the exchanges, by their names; empty when the
 *     result is the first exchange's rows as they arrive
 * @param columnNames the result's column names, as the user sees them
 * @param pruned for each table, the CIDs of the shards its filters rule out (they are not read)
 * @param functions the internal names of the user functions the query calls
 */
public record DistributedPlan(List<Exchange> exchanges, Optional<String> rootSql, List<String> columnNames,
        Map<String, List<String>> pruned, Set<String> functions) {
    public DistributedPlan {
        functions = Set.copyOf(functions);
        exchanges = List.copyOf(exchanges);
        pruned = Map.copyOf(pruned);
        requireNonNull(rootSql, "rootSql is null");
        columnNames = List.copyOf(columnNames);
        if (rootSql.isEmpty() && exchanges.size() != 1) {
            throw new IllegalArgumentException("a plan without root SQL passes exactly one exchange through");
        }
    }

    /** All fragments of all exchanges, in exchange order. */
    public List<Fragment> fragments() {
        return exchanges.stream().flatMap(exchange -> exchange.fragments().stream()).toList();
    }
}
