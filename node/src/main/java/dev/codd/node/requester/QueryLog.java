package dev.codd.node.requester;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The last queries that ended, newest first. */
public final class QueryLog {
    private static final int RECENT = 1000;

    private final Deque<QueryRecord> recent = new ArrayDeque<>();

    synchronized void ended(QueryRecord record) {
        recent.addFirst(record);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    /** The queries that ended, newest first. */
    public synchronized List<QueryRecord> recent() {
        return new ArrayList<>(recent);
    }
}
