package dev.codd.node.requester;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A query the requester ran, with what each node sent back.
 *
 * @param error the SQLState and message of a failed query
 */
public record QueryRecord(String id, String sql, State state, Instant started, Duration elapsed,
        List<NodeTraffic> traffic, Optional<String> error) {
    /** Where a query stands. */
    public enum State { FINISHED, FAILED, CANCELLED, TIMED_OUT }

    /** Rows and Arrow bytes one node sent for one query. */
    public record NodeTraffic(String node, long rows, long bytes) {}

    public QueryRecord {
        requireNonNull(id, "id is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(state, "state is null");
        requireNonNull(started, "started is null");
        requireNonNull(elapsed, "elapsed is null");
        traffic = List.copyOf(traffic);
        requireNonNull(error, "error is null");
    }
}
