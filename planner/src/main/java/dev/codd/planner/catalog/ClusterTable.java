package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A logical table: the union of its shards over the cluster.
 *
 * @param problem set when the table cannot be queried whole (nodes disagree on its schema, a node
 *     cannot read one of its files); a query of it then fails with this error
 */
public record ClusterTable(String name, List<Column> columns, List<Shard> shards, Optional<TableProblem> problem) {
    public ClusterTable {
        requireNonNull(name, "name is null");
        columns = List.copyOf(columns);
        shards = List.copyOf(shards);
        requireNonNull(problem, "problem is null");
        if (columns.isEmpty() && problem.isEmpty()) {
            throw new IllegalArgumentException("table " + name + " has no columns");
        }
    }

    public ClusterTable(String name, List<Column> columns, List<Shard> shards) {
        this(name, columns, shards, Optional.empty());
    }

    /** The scheme and key columns every shard is partitioned by, if they all declare the same. */
    public Optional<Partition> partitioning() {
        if (shards.isEmpty() || shards.stream().anyMatch(shard -> shard.partition().isEmpty())) {
            return Optional.empty();
        }
        Partition first = shards.get(0).partition().orElseThrow();
        boolean same = shards.stream().map(shard -> shard.partition().orElseThrow())
                .allMatch(p -> p.scheme().equals(first.scheme()) && p.keys().equals(first.keys()));
        return same ? Optional.of(first) : Optional.empty();
    }
}
