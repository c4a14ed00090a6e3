package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A scalar function a user registered, as the planner needs it: its name and types in SQL, and the
 * name fragments call it by where it runs.
 *
 * @param parameterTypes DuckDB type names
 * @param returnType a DuckDB type name
 * @param deterministic whether equal arguments always give equal results (not so for one that reads a clock)
 */
public record UserFunction(String name, String internalName, List<String> parameterTypes, String returnType,
        boolean deterministic) {
    public UserFunction {
        requireNonNull(name, "name is null");
        requireNonNull(internalName, "internalName is null");
        parameterTypes = List.copyOf(parameterTypes);
        requireNonNull(returnType, "returnType is null");
    }
}
