package dev.codd.planner;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The union of its fragments' streams, gathered in parallel and read by the root plan as table
 * {@code name} with {@code columnNames}.
 */
public record Exchange(String name, List<String> columnNames, List<Fragment> fragments) {
    public Exchange {
        requireNonNull(name, "name is null");
        columnNames = List.copyOf(columnNames);
        fragments = List.copyOf(fragments);
        if (fragments.isEmpty()) {
            throw new IllegalArgumentException("exchange " + name + " has no fragments");
        }
    }
}
