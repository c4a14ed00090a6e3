package dev.codd.executors;

import java.util.ArrayList;
import java.util.List;

/**
 * A way to stop a query from another thread at any moment, also while DuckDB still computes its
 * first batch (an aggregate over a large join can take all of its time there): what is asked before
 * the query has started stops it as soon as it does.
 */
public final class Cancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    /** Stops what runs now, and what is started later. */
    public void cancel() {
        List<Runnable> running;
        synchronized (this) {
            cancelled = true;
            running = List.copyOf(actions);
        }
        running.forEach(Runnable::run);
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** One more thing cancelling stops; run at once when cancelled already. */
    public void onCancel(Runnable stop) {
        boolean already;
        synchronized (this) {
            actions.add(stop);
            already = cancelled;
        }
        if (already) {
            stop.run();
        }
    }
}
