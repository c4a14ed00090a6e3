package dev.codd.jdbc;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A line on the terminal for a query that takes more than a second to send its first rows (with
 * the connection property {@code progress=true}, which {@code codd sql} sets): fragments done of
 * all, rows the nodes sent so far, time. It is rewritten in place and erased when rows arrive.
 */
final class ProgressLine {
    private static final long FIRST_AFTER_MILLIS = 1000;
    private static final long EVERY_MILLIS = 250;
    private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "codd-progress");
        thread.setDaemon(true);
        return thread;
    });

    private final CoddMeta meta;
    private final String progressKey;
    private final PrintStream terminal;
    private ScheduledFuture<?> ticking;
    private boolean shown;

    private ProgressLine(CoddMeta meta, String progressKey, PrintStream terminal) {
        this.meta = meta;
        this.progressKey = progressKey;
        this.terminal = terminal;
    }

    /** Starts showing, after a second, the progress of the query started with {@code progressKey}. */
    static ProgressLine start(CoddMeta meta, String progressKey, PrintStream terminal) {
        ProgressLine line = new ProgressLine(meta, progressKey, terminal);
        synchronized (line) {
            line.ticking = TICKS.scheduleWithFixedDelay(line::tick, FIRST_AFTER_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
        return line;
    }

    private void tick() {
        Optional<String> progress = meta.progress(progressKey);
        synchronized (this) {
            if (ticking == null || progress.isEmpty()) {
                return;
            }
            String[] parts = progress.get().split(" ");
            try {
                terminal.print("\r\033[K" + String.format(Locale.ROOT, "[%s/%s fragments done, %,d rows from nodes, %.1f s]",
                        parts[0], parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]) / 1000.0));
            } catch (RuntimeException unexpected) {
                return; // a requester that answers otherwise: no line, and the next tick tries again
            }
            terminal.flush();
            shown = true;
        }
    }

    /** Stops, and erases the line if it was shown: rows (or the end) have come. */
    synchronized void stop() {
        if (ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
        if (shown) {
            terminal.print("\r\033[K");
            terminal.flush();
            shown = false;
        }
    }
}
