package dev.codd.node.requester;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The queries running now, and the last ones that ended. */
public final class QueryLog {
    private static final int RECENT = 1000;

    private final Map<String, Supplier<QueryRecord>> running = new LinkedHashMap<>();
    /** The running queries' IDs by the progress keys their clients chose. */
    private final Map<String, String> byProgressKey = new HashMap<>();
    private final Deque<QueryRecord> recent = new ArrayDeque<>();

    /**
     * A query started; {@code progress} says where it stands until it {@link #ended}, also to a
     * client that asks by {@code progressKey} (null for none).
     */
    synchronized void started(String id, String progressKey, Supplier<QueryRecord> progress) {
        running.put(id, progress);
        if (progressKey != null) {
            byProgressKey.put(progressKey, id);
        }
    }

    synchronized void ended(QueryRecord record) {
        running.remove(record.id());
        byProgressKey.values().remove(record.id());
        recent.addFirst(record);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    /** The queries that ended, newest first. */
    public synchronized List<QueryRecord> recent() {
        return new ArrayList<>(recent);
    }

    /** Where a running query stands, by the progress key its client chose; empty once it ended. */
    public Optional<QueryRecord> progress(String progressKey) {
        Supplier<QueryRecord> progress;
        synchronized (this) {
            String id = byProgressKey.get(progressKey);
            progress = id == null ? null : running.get(id);
        }
        return Optional.ofNullable(progress).map(Supplier::get);
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
