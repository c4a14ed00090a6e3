package dev.codd.planner.catalog;

/** The smallest and largest value of a column in a shard, as DuckDB prints them; null when unknown. */
public record ColumnRange(String min, String max) {}
