package dev.codd.executors;

/**
 * A way to stop a query from another thread at any moment, also while DuckDB still computes its
 * first batch (an aggregate over a large join can take all of its time there): what is asked before
 * the query has started stops it as soon as it does.
 */
public final class Cancellation {
    private Runnable action;
    private boolean cancelled;

    /** Stops what runs now, and what is started later. */
    public void cancel() {
        Runnable running;
        synchronized (this) {
            cancelled = true;
            running = action;
        }
        if (running != null) {
            running.run();
        }
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** What cancelling does from now on; run at once when cancelled already. */
    void onCancel(Runnable stop) {
        boolean already;
        synchronized (this) {
            action = stop;
            already = cancelled;
        }
        if (already) {
            stop.run();
        }
    }
}
