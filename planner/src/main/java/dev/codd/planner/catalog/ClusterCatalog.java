package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the planner knows of the cluster at one instant: each table, its columns and where its shards
 * live. The requester builds one from its node registry for every query.
 */
public record ClusterCatalog(Map<String, ClusterTable> tables) {
    public ClusterCatalog {
        requireNonNull(tables, "tables is null");
        TreeMap<String, ClusterTable> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(tables);
        tables = java.util.Collections.unmodifiableMap(byName);
    }

    /** The table of this name, matched without regard to case as DuckDB does. */
    public Optional<ClusterTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }
}
