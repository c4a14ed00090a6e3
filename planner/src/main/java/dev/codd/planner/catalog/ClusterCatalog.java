package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the planner knows of the cluster at one instant: each table, its columns and where its shards
 * live. The requester's node registry builds one when a node's catalog or liveness changes, and
 * each query plans against the one current when it starts.
 *
 * @param tables the users' tables, by name
 * @param system the tables of schema {@code sys} (the audit logs), by their name there
 * @param functions the functions users registered, by name
 * @param containerNodes the nodes that run containers (docker_map)
 */
public record ClusterCatalog(Map<String, ClusterTable> tables, Map<String, ClusterTable> system,
        Map<String, UserFunction> functions, Set<String> containerNodes) {
    public ClusterCatalog {
        tables = byName(tables);
        system = byName(system);
        functions = byName(functions);
        containerNodes = Set.copyOf(containerNodes);
    }

    public ClusterCatalog(Map<String, ClusterTable> tables, Map<String, ClusterTable> system) {
        this(tables, system, Map.of(), Set.of());
    }

    public ClusterCatalog(Map<String, ClusterTable> tables) {
        this(tables, Map.of());
    }

    /** The same tables, with these functions. */
    public ClusterCatalog withFunctions(Collection<UserFunction> functions) {
        return new ClusterCatalog(tables, system,
                functions.stream().collect(Collectors.toMap(UserFunction::name, function -> function)), containerNodes);
    }

    private static <T> Map<String, T> byName(Map<String, T> named) {
        requireNonNull(named, "a map by name is null");
        TreeMap<String, T> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(named);
        return Collections.unmodifiableMap(byName);
    }

    /** The table of this name, matched without regard to case as DuckDB does. */
    public Optional<ClusterTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }
}
