package dev.codd.executors.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A node's Docker engine, reached through docker-java: checks images against the node's list,
 * and starts containers locked down as the node's {@link DockerSettings} say.
 */
public final class DockerEngine implements AutoCloseable {
    /** The label every container of a node carries, with the node's name, so that leftovers can be found. */
    static final String NODE_LABEL = "dev.codd.node";

    private final DockerSettings settings;
    private final String node;
    private final DockerClient client;
    private final ScheduledExecutorService deadlines;

    private DockerEngine(DockerSettings settings, String node, DockerClient client) {
        this.settings = settings;
        this.node = node;
        this.client = client;
        this.deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "codd-docker-deadlines-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to the engine {@code settings} names and removes containers an earlier run of
     * {@code node} left behind; empty, with the reason, when no engine answers there.
     */
    public static Connection connect(DockerSettings settings, String node) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.host())
                .build();
        DockerClient client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .build());
        try {
            client.pingCmd().exec();
            DockerEngine engine = new DockerEngine(settings, node, client);
            engine.removeLeftovers();
            return new Connection(Optional.of(engine), "");
        } catch (RuntimeException e) {
            closeQuietly(client);
            return new Connection(Optional.empty(), "no Docker engine answers at " + settings.host() + " ("
                    + firstLine(e) + ")");
        }
    }

    /** An engine, or why there is none. */
    public record Connection(Optional<DockerEngine> engine, String reason) {}

    public DockerSettings settings() {
        return settings;
    }

    /** The image {@code reference} names, if the node runs it: refused unless it is on the node's list. */
    public Image image(String reference) {
        InspectImageResponse image;
        try {
            image = client.inspectImageCmd(reference).exec();
        } catch (NotFoundException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Image '" + reference + "' is not on node " + node
                    + " (no registry is asked: the node's operator loads the images it runs)");
        }
        // the name asked for must be on the list, or the image's ID or one of its digests
        List<String> names = new ArrayList<>(List.of(withTag(reference), image.getId()));
        if (image.getRepoDigests() != null) {
            names.addAll(image.getRepoDigests());
        }
        boolean accepted = settings.images().stream().map(DockerEngine::withTag).anyMatch(names::contains);
        if (!accepted) {
            throw new CoddException(ErrorCode.FRAGMENT_REFUSED, "Node " + node + " does not run image '" + reference
                    + "': it accepts " + (settings.images().isEmpty() ? "no images" : String.join(", ", settings.images())));
        }
        return new Image(reference, image.getId());
    }

    /** An accepted image: the name it was asked by, and its ID, the digest of its configuration. */
    public record Image(String reference, String id) {
        public Image {
            requireNonNull(reference, "reference is null");
            requireNonNull(id, "id is null");
        }
    }

    private static String withTag(String name) {
        boolean tagged = name.startsWith("sha256:") || name.contains("@") || name.lastIndexOf(':') > name.lastIndexOf('/');
        return tagged ? name : name + ":latest";
    }

    /**
     * Creates and starts a locked-down container of {@code image} running {@code command} (the
     * image's own when empty), attached to its stdin and stdout. It is killed at the node's time
     * limit, and removed when the returned run closes.
     */
    public ContainerRun start(Image image, List<String> command, Map<String, String> env, String purpose) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(settings.network())
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,noexec,nosuid,nodev,size=" + settings.tmpfsBytes()))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(settings.memoryBytes())
                .withMemorySwap(settings.memoryBytes())
                .withNanoCPUs((long) (settings.cpus() * 1_000_000_000L))
                .withPidsLimit(settings.pids())
                .withAutoRemove(false);
        CreateContainerCmd create = client.createContainerCmd(image.id())
                .withUser("65534:65534")
                .withNetworkDisabled("none".equals(settings.network()))
                .withEnv(env.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList())
                .withStdinOpen(true)
                .withStdInOnce(true)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withTty(false)
                .withLabels(Map.of(NODE_LABEL, node, "dev.codd.purpose", purpose))
                .withHostConfig(host);
        if (!command.isEmpty()) {
            create.withCmd(command);
        }
        String id;
        try {
            id = create.exec().getId();
        } catch (DockerException e) {
            throw new CoddException(ErrorCode.FUNCTION_FAILED, "Docker could not create a container of "
                    + image.reference() + " on node " + node + ": " + firstLine(e));
        }
        ContainerRun run = null;
        try {
            run = new ContainerRun(this, id, image, AttachedStreams.attach(settings.host(), id));
            client.startContainerCmd(id).exec();
            run.killAfter(settings.timeout(), deadlines);
            return run;
        } catch (IOException | RuntimeException e) {
            if (run != null) {
                run.close();
            } else {
                remove(id);
            }
            throw new CoddException(ErrorCode.FUNCTION_FAILED, "Docker could not start a container of "
                    + image.reference() + " on node " + node + ": " + firstLine(e));
        }
    }

    DockerClient client() {
        return client;
    }

    String node() {
        return node;
    }

    void kill(String id) {
        try {
            client.killContainerCmd(id).exec();
        } catch (RuntimeException ignored) {
            // it has ended already
        }
    }

    void remove(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException ignored) {
            // gone already
        }
    }

    private void removeLeftovers() {
        for (Container container : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(NODE_LABEL, node)).exec()) {
            remove(container.getId());
        }
    }

    static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // releasing connections; nothing to tell anyone
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        closeQuietly(client);
    }
}
