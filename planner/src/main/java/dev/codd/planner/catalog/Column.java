package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

/** A column as DuckDB describes it: its name and its type in DuckDB's spelling. */
public record Column(String name, String type) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
