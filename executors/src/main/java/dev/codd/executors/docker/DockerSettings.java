package dev.codd.executors.docker;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How a node runs containers: which engine, which images it accepts, and the limits every container
 * gets. The defaults lock a container down; an operator loosens them per node.
 *
 * @param host the engine's address, {@code unix:///path} or {@code tcp://host:port}
 * @param images the images the node runs, each a name ({@code busybox:1.36}, a missing tag meaning
 *     {@code latest}) or an image ID ({@code sha256:…}); nothing else runs
 * @param network the network mode: {@code none} unless the operator allows one
 * @param maxOutputBytes the most a container may write to stdout for one query on one node
 * @param answerTimeout how long the node waits for the engine to answer one request (create, start,
 *     kill, remove, inspect) before it gives up on it: an engine that hangs fails queries, not the node
 */
public record DockerSettings(String host, List<String> images, long memoryBytes, double cpus, long pids,
        Duration timeout, long tmpfsBytes, String network, long maxOutputBytes, Duration answerTimeout) {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    public DockerSettings {
        requireNonNull(host, "host is null");
        images = List.copyOf(images);
        requireNonNull(timeout, "timeout is null");
        requireNonNull(network, "network is null");
        requireNonNull(answerTimeout, "answerTimeout is null");
        check(memoryBytes >= 4 << 20, "memory must be at least 4 MiB");
        check(cpus > 0, "CPUs must be more than 0");
        check(pids >= 1, "processes must be at least 1");
        check(!timeout.isNegative() && !timeout.isZero(), "the time limit must be positive");
        check(tmpfsBytes >= 0, "the size of /tmp cannot be negative");
        check(maxOutputBytes >= 1, "the output limit must be positive");
        check(!answerTimeout.isNegative() && !answerTimeout.isZero(), "the answer timeout must be positive");
    }

    private static void check(boolean holds, String otherwise) {
        if (!holds) {
            throw new IllegalArgumentException(otherwise);
        }
    }

    /**
     * Locked down: no network, 256 MiB, one CPU, 64 processes, 60 s, 64 MiB of /tmp, 1 GiB of
     * output; the engine has 10 s to answer each request.
     */
    public static DockerSettings defaults(List<String> images) {
        return new DockerSettings(DEFAULT_HOST, images, 256L << 20, 1.0, 64, Duration.ofSeconds(60), 64L << 20, "none",
                1L << 30, Duration.ofSeconds(10));
    }

    public DockerSettings withHost(String newHost) {
        return new DockerSettings(newHost, images, memoryBytes, cpus, pids, timeout, tmpfsBytes, network, maxOutputBytes,
                answerTimeout);
    }

    public DockerSettings withTimeout(Duration newTimeout) {
        return new DockerSettings(host, images, memoryBytes, cpus, pids, newTimeout, tmpfsBytes, network, maxOutputBytes,
                answerTimeout);
    }

    public DockerSettings withMaxOutputBytes(long newMax) {
        return new DockerSettings(host, images, memoryBytes, cpus, pids, timeout, tmpfsBytes, network, newMax,
                answerTimeout);
    }

    public DockerSettings withAnswerTimeout(Duration newAnswerTimeout) {
        return new DockerSettings(host, images, memoryBytes, cpus, pids, timeout, tmpfsBytes, network, maxOutputBytes,
                newAnswerTimeout);
    }
}
