package dev.codd.planner;

import static java.util.Objects.requireNonNull;

import dev.codd.common.ContainerCall;

/**
 * Work a node does before its fragment's SQL: run {@code inputSql} over its shards, pass the rows
 * through the container, and let the fragment read the container's output as the table {@code name}.
 */
public record DockerStage(String name, ContainerCall call, String inputSql) {
    public DockerStage {
        requireNonNull(name, "name is null");
        requireNonNull(call, "call is null");
        requireNonNull(inputSql, "inputSql is null");
    }
}
