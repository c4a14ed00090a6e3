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
 */
public record DockerSettings(String host, List<String> images, long memoryBytes, double cpus, long pids,
        Duration timeout, long tmpfsBytes, String network, long maxOutputBytes) {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    public DockerSettings {
        requireNonNull(host, "host is null");
        images = List.copyOf(images);
        requireNonNull(timeout, "timeout is null");
        requireNonNull(network, "network is null");
        if (memoryBytes < 4 << 20 || cpus <= 0 || pids < 1 || timeout.isNegative() || timeout.isZero()
                || tmpfsBytes < 0 || maxOutputBytes < 1) {
            throw new IllegalArgumentException("Docker limits must be positive (memory at least 4 MiB)");
        }
    }

    /** Locked down: no network, 256 MiB, one CPU, 64 processes, 60 s, 64 MiB of /tmp, 1 GiB of output. */
    public static DockerSettings defaults(List<String> images) {
        return new DockerSettings(DEFAULT_HOST, images, 256L << 20, 1.0, 64, Duration.ofSeconds(60), 64L << 20, "none",
                1L << 30);
    }

    public DockerSettings withHost(String newHost) {
        return new DockerSettings(newHost, images, memoryBytes, cpus, pids, timeout, tmpfsBytes, network, maxOutputBytes);
    }

    public DockerSettings withTimeout(Duration newTimeout) {
        return new DockerSettings(host, images, memoryBytes, cpus, pids, newTimeout, tmpfsBytes, network, maxOutputBytes);
    }

    public DockerSettings withMaxOutputBytes(long newMax) {
        return new DockerSettings(host, images, memoryBytes, cpus, pids, timeout, tmpfsBytes, network, newMax);
    }
}
