package dev.codd.node;

import dev.codd.jdbc.EmbeddedCodd;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clusters {@code jdbc:codd:local:DIR} connections use: one per directory, started by the first
 * connection to it and stopped a while after the last one closes (tools open and close connections
 * often, and a start takes a second or two), or when the JVM exits. Starting and stopping happen
 * outside the lock that guards the map, so one directory never holds up another; a connection that
 * arrives while its directory's cluster stops waits for the stop, then starts a new one.
 */
public final class EmbeddedCluster implements EmbeddedCodd {
    private static final long LINGER_SECONDS = 10;
    private static final Map<Path, Running> RUNNING = new HashMap<>();
    private static final ScheduledExecutorService STOPPER = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("codd-embedded-stop"));

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<Running> all;
            synchronized (RUNNING) {
                all = List.copyOf(RUNNING.values());
                RUNNING.clear();
            }
            all.forEach(running -> running.started.thenAccept(LocalCluster::close));
        }, "codd-embedded-shutdown"));
    }

    /** A cluster (once started), how many connections hold it, its pending stop, and whether it is stopping. */
    private static final class Running {
        final CompletableFuture<LocalCluster> started = new CompletableFuture<>();
        final CompletableFuture<Void> stopped = new CompletableFuture<>();
        int leases;
        ScheduledFuture<?> stop;
        boolean stopping;
    }

    @Override
    public Lease open(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        while (true) {
            Running running;
            boolean startHere = false;
            boolean stopping;
            synchronized (RUNNING) {
                running = RUNNING.get(data);
                if (running == null) {
                    running = new Running();
                    RUNNING.put(data, running);
                    startHere = true;
                }
                stopping = running.stopping;
                if (!stopping) {
                    running.leases++;
                    if (running.stop != null) {
                        running.stop.cancel(false);
                        running.stop = null;
                    }
                }
            }
            if (stopping) {
                running.stopped.join(); // then start it again
                continue;
            }
            if (startHere) {
                try {
                    running.started.complete(LocalCluster.embedded(data));
                } catch (RuntimeException e) {
                    synchronized (RUNNING) {
                        RUNNING.remove(data, running);
                    }
                    running.started.completeExceptionally(e);
                }
            }
            try {
                return lease(data, running, running.started.join().requester().address().toString());
            } catch (CompletionException e) {
                release(data, running);
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }

    private static Lease lease(Path data, Running running, String requester) {
        AtomicBoolean released = new AtomicBoolean();
        return new Lease() {
            @Override
            public String requester() {
                return requester;
            }

            @Override
            public void close() {
                if (released.compareAndSet(false, true)) {
                    release(data, running);
                }
            }
        };
    }

    private static void release(Path data, Running running) {
        synchronized (RUNNING) {
            if (--running.leases == 0 && RUNNING.get(data) == running) {
                running.stop = STOPPER.schedule(() -> stopIfUnused(data, running), LINGER_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    private static void stopIfUnused(Path data, Running running) {
        synchronized (RUNNING) {
            if (running.leases > 0 || RUNNING.get(data) != running) {
                return;
            }
            running.stopping = true;
        }
        try {
            running.started.join().close();
        } finally {
            synchronized (RUNNING) {
                RUNNING.remove(data, running);
            }
            running.stopped.complete(null);
        }
    }
}
