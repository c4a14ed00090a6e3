package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the planner knows of the cluster at one instant: each table, its columns and where its shards
 * live. The requester's node registry builds one when a node's catalog or liveness changes, and
 * each query plans against the one current when it starts.
 *
 * @param tables the users' tables, by name
 * @param system the tables of schema {@code sys} (the audit logs), by their name there
 */
public record ClusterCatalog(Map<String, ClusterTable> tables, Map<String, ClusterTable> system) {
    public ClusterCatalog {
        tables = byName(tables);
        system = byName(system);
    }

    public ClusterCatalog(Map<String, ClusterTable> tables) {
        this(tables, Map.of());
    }

    private static Map<String, ClusterTable> byName(Map<String, ClusterTable> tables) {
        requireNonNull(tables, "tables is null");
        TreeMap<String, ClusterTable> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(tables);
        return Collections.unmodifiableMap(byName);
    }

    /** The table of this name, matched without regard to case as DuckDB does. */
    public Optional<ClusterTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }
}
