package dev.codd.node.requester;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A query the requester ran or runs, with what each node sent back.
 *
 * @param user who the client said it was; null when it named nobody
 * @param rows the rows sent to the client so far
 * @param fragments how many fragments the query runs on the nodes
 * @param fragmentsDone how many of them have sent their last row
 * @param error the SQLState and message of a failed query
 */
public record QueryRecord(String id, String user, String sql, State state, Instant started, Duration elapsed, long rows,
        List<NodeTraffic> traffic, int fragments, int fragmentsDone, Optional<String> error) {
    /** Where a query stands. */
    public enum State { RUNNING, FINISHED, FAILED, CANCELLED, TIMED_OUT }

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
