package dev.codd.node;

import dev.codd.jdbc.EmbeddedCodd;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clusters {@code jdbc:codd:local:DIR} connections use: one per directory, started by the first
 * connection to it and stopped a while after the last one closes (tools open and close connections
 * often, and a start takes a second or two), or when the JVM exits.
 */
public final class EmbeddedCluster implements EmbeddedCodd {
    private static final long LINGER_SECONDS = 10;
    private static final Map<Path, Running> RUNNING = new HashMap<>();
    private static final ScheduledExecutorService STOPPER = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("codd-embedded-stop"));

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (RUNNING) {
                RUNNING.values().forEach(running -> running.cluster.close());
                RUNNING.clear();
            }
        }, "codd-embedded-shutdown"));
    }

    /** A cluster, how many connections hold it, and its stop when none does. */
    private static final class Running {
        final LocalCluster cluster;
        int leases;
        ScheduledFuture<?> stop;

        Running(LocalCluster cluster) {
            this.cluster = cluster;
        }
    }

    @Override
    public Lease open(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        String requester;
        synchronized (RUNNING) {
            Running running = RUNNING.computeIfAbsent(data, directory -> new Running(LocalCluster.embedded(directory)));
            running.leases++;
            if (running.stop != null) {
                running.stop.cancel(false);
                running.stop = null;
            }
            requester = running.cluster.requester().address().toString();
        }
        AtomicBoolean released = new AtomicBoolean();
        return new Lease() {
            @Override
            public String requester() {
                return requester;
            }

            @Override
            public void close() {
                if (released.compareAndSet(false, true)) {
                    release(data);
                }
            }
        };
    }

    private static void release(Path data) {
        synchronized (RUNNING) {
            Running running = RUNNING.get(data);
            if (running != null && --running.leases == 0) {
                running.stop = STOPPER.schedule(() -> stopIfUnused(data, running), LINGER_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    private static void stopIfUnused(Path data, Running running) {
        synchronized (RUNNING) {
            if (running.leases > 0 || RUNNING.get(data) != running) {
                return;
            }
            RUNNING.remove(data);
        }
        running.cluster.close();
    }
}
