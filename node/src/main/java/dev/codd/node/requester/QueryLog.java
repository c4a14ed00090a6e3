package dev.codd.node.requester;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The queries running now, and the last ones that ended. */
public final class QueryLog {
    private static final int RECENT = 1000;

    private final Map<String, Supplier<QueryRecord>> running = new LinkedHashMap<>();
    private final Deque<QueryRecord> recent = new ArrayDeque<>();

    /** A query started; {@code progress} says where it stands until it {@link #ended}. */
    synchronized void started(String id, Supplier<QueryRecord> progress) {
        running.put(id, progress);
    }

    synchronized void ended(QueryRecord record) {
        running.remove(record.id());
        recent.addFirst(record);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    /** The queries that ended, newest first. */
    public synchronized List<QueryRecord> recent() {
        return new ArrayList<>(recent);
    }

    /** The queries running now, oldest first. */
    public List<QueryRecord> running() {
        List<Supplier<QueryRecord>> now;
        synchronized (this) {
            now = new ArrayList<>(running.values());
        }
        return now.stream().map(Supplier::get).toList();
    }
}
