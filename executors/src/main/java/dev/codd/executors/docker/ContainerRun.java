package dev.codd.executors.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** A started container: its stdin and stdout, how it ended, and its removal when closed. */
public final class ContainerRun implements AutoCloseable {
    private final DockerEngine engine;
    private final String id;
    private final DockerEngine.Image image;
    private final AttachedStreams streams;
    /** Hides the container's secrets in its stderr, which goes into error messages. */
    private final UnaryOperator<String> redact;
    private final InputStream stdout;
    /** Why it was first killed; null while it was not. */
    private final AtomicReference<String> killedBecause = new AtomicReference<>();
    private ScheduledFuture<?> deadline;
    private boolean closed;

    ContainerRun(DockerEngine engine, String id, DockerEngine.Image image, AttachedStreams streams,
            UnaryOperator<String> redact) {
        this.redact = redact;
        this.engine = engine;
        this.id = id;
        this.image = image;
        this.streams = streams;
        this.stdout = new Limited(streams.stdout(), engine.settings().maxOutputBytes());
    }

    /**
     * Kills it at the time limit, off the timer's thread: the node's containers share one timer, and
     * an engine slow to answer one kill must not hold back the others.
     */
    void killAfter(Duration timeout, ScheduledExecutorService deadlines) {
        String reason = "it ran longer than the node's time limit of " + timeout.toSeconds() + " s";
        deadline = deadlines.schedule(() -> engine.inBackground(() -> kill(reason)), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public String id() {
        return id;
    }

    /** The container's stdin; closing it ends the container's input. */
    public OutputStream stdin() {
        return streams.stdin();
    }

    /** The container's stdout, at most the node's output limit. */
    public InputStream stdout() {
        return stdout;
    }

    /**
     * Stops the container now; {@code reason} is what its failure will say, and what reading its
     * stdout throws from now on. The attach connection is closed first: the engine holds a killed
     * container until its output has been taken, so a kill from the thread that stopped reading
     * (at the output limit) would wait for itself, and every later kill with it.
     */
    public void kill(String reason) {
        killedBecause.compareAndSet(null, reason);
        disconnect();
        engine.kill(id);
    }

    /** Fails saying why the container was stopped, if it was. */
    private void failIfStopped() {
        String reason = killedBecause.get();
        if (reason != null) {
            throw failure("was stopped: " + reason);
        }
    }

    /**
     * Waits for the container to end, once its stdout has been read to the end, and fails if it
     * did not end well: killed, or a non-zero exit code (with the end of its stderr).
     */
    public void awaitSuccess() {
        InspectContainerResponse.ContainerState state;
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            try {
                state = engine.state(id);
            } catch (RuntimeException e) {
                throw failure("could not be inspected: " + engine.failed(e));
            }
            if (Boolean.TRUE.equals(state.getRunning())) {
                sleep();
            }
        } while (Boolean.TRUE.equals(state.getRunning()) && System.nanoTime() < waitUntil);
        failIfStopped();
        if (Boolean.TRUE.equals(state.getRunning())) {
            kill("it kept running after closing its stdout");
            throw failure("kept running after closing its stdout");
        }
        if (Boolean.TRUE.equals(state.getOOMKilled())) {
            throw failure("was stopped: it used more than the node's memory limit of "
                    + (engine.settings().memoryBytes() >> 20) + " MiB");
        }
        Long exitCode = state.getExitCodeLong();
        if (exitCode != null && exitCode != 0) {
            throw failure("exited with code " + exitCode);
        }
    }

    /** The container's failure, with the last lines of its stderr. */
    public CoddException failure(String what) {
        String tail = lastLines(redact.apply(streams.stderrTail()), 5);
        return new CoddException(ErrorCode.FUNCTION_FAILED, "Container " + image.reference() + " on node "
                + engine.node() + " " + what + (tail.isEmpty() ? "" : "; its stderr ends: " + tail));
    }

    private static String lastLines(String text, int count) {
        List<String> lines = Arrays.stream(text.strip().split("\n")).map(String::strip)
                .filter(line -> !line.isEmpty()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the container if it still runs, and removes it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        disconnect();
        engine.remove(id); // a forced removal kills it first, if it still runs
    }

    private void disconnect() {
        try {
            streams.close();
        } catch (IOException ignored) {
            // the connection goes with the container
        }
    }

    /** Stdout, killing the container once it has written more than the limit. */
    private final class Limited extends ChunkInputStream {
        private final InputStream in;
        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            failIfStopped(); // what was still on its way is dropped
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (IOException e) {
                failIfStopped(); // a kill closed the connection
                throw e;
            }
            if (n > 0) {
                read += n;
                if (read > limit) {
                    String reason = "it wrote more than the node's output limit of " + limit + " bytes";
                    kill(reason);
                    throw failure("was stopped: " + reason);
                }
            }
            return n;
        }
    }
}
