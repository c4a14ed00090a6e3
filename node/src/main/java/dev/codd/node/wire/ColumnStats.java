package dev.codd.node.wire;

/** A column's smallest and largest value in a shard, as DuckDB prints them; null when unknown. */
public record ColumnStats(String min, String max) {}
