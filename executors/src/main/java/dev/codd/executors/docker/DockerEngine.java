package dev.codd.executors.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's Docker engine, reached through docker-java: checks images against the node's list,
 * and starts containers locked down as the node's {@link DockerSettings} say.
 */
public final class DockerEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);
    private static final long WATCH_MILLIS = 250;
    /** The label every container of a node carries, with the node's name, so that leftovers can be found. */
    static final String NODE_LABEL = "dev.codd.node";

    private final DockerSettings settings;
    private final String node;
    private final DockerClient client;
    /** Each container's time limit, the attach handshake's answer timeout, and removals tried again. */
    private final ScheduledThreadPoolExecutor deadlines;
    /** Where requests to the engine run, so that the thread that needs the answer can stop waiting for it. */
    private final ExecutorService requests;

    private DockerEngine(DockerSettings settings, String node, DockerClient client) {
        this.settings = settings;
        this.node = node;
        this.client = client;
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemons("codd-docker-deadlines-" + node));
        deadlines.setRemoveOnCancelPolicy(true); // a container that ends in time takes its deadline with it
        this.requests = Executors.newCachedThreadPool(daemons("codd-docker-request-" + node));
    }

    private static ThreadFactory daemons(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
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
                // frees the request's thread on tcp://; on unix:// the read ignores it and answered() interrupts it
                .responseTimeout(settings.answerTimeout())
                .build());
        DockerEngine engine = new DockerEngine(settings, node, client);
        try {
            engine.answered(() -> client.pingCmd().exec());
            engine.removeLeftovers();
            return new Connection(Optional.of(engine), "");
        } catch (RuntimeException e) {
            engine.close();
            return new Connection(Optional.empty(), "no Docker engine answers at " + settings.host() + " ("
                    + engine.failed(e) + ")");
        }
    }

    /**
     * The engine's answer to {@code request}, given up on after the answer timeout. No request
     * waits for a container (a job's end is looked for four times a second, a container's output
     * comes on the attach), so one that takes longer means the engine hangs. Interrupting the
     * request closes its connection when that is the engine's unix socket, whose reads have no
     * timeout.
     */
    private <T> T answered(Supplier<T> request) {
        Future<T> answer = requests.submit(request::get);
        try {
            return answer.get(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new UncheckedIOException(new SocketTimeoutException("no answer from the engine"));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failed ? failed : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Docker engine", e);
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
            image = answered(() -> client.inspectImageCmd(reference).exec());
        } catch (NotFoundException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Image '" + reference + "' is not on node " + node
                    + " (no registry is asked: the node's operator loads the images it runs)");
        } catch (RuntimeException e) { // docker-java reports a lost engine as a plain RuntimeException
            throw unreachable(e);
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
     * limit, and removed when the returned run closes; {@code redact} hides secrets in what it says.
     * The engine keeps no log of it: its output is read through the attach connection, and a log
     * would be a second copy of every row on the engine's disk (secrets a container writes too),
     * which the engine also drains before it lets a killed container go.
     */
    public ContainerRun start(Image image, List<String> command, Map<String, String> env, UnaryOperator<String> redact,
            String purpose) {
        HostConfig host = lockedDown().withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
        CreateContainerCmd create = create(image, command, env, purpose, host)
                .withStdinOpen(true)
                .withStdInOnce(true)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true);
        String id = created(create, image);
        ContainerRun run = null;
        try {
            run = new ContainerRun(this, id, image, AttachedStreams.attach(settings.host(), id, settings.answerTimeout(),
                    deadlines), redact);
            answered(() -> client.startContainerCmd(id).exec());
            run.killAfter(settings.timeout(), deadlines);
            return run;
        } catch (IOException | RuntimeException e) {
            ContainerRun unstarted = run;
            // removed behind the error: an engine that did not answer the start may not answer this either
            inBackground(unstarted != null ? unstarted::close : () -> remove(id));
            throw new CoddException(ErrorCode.FUNCTION_FAILED, "Docker could not start a container of "
                    + image.reference() + " on node " + node + ": " + failed(e));
        }
    }

    /** Every container's host settings: no network unless allowed, nothing writable but a small /tmp, no privileges, limits. */
    private HostConfig lockedDown() {
        return HostConfig.newHostConfig()
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
    }

    private CreateContainerCmd create(Image image, List<String> command, Map<String, String> env, String purpose,
            HostConfig host) {
        CreateContainerCmd create = client.createContainerCmd(image.id())
                .withUser("65534:65534")
                .withNetworkDisabled("none".equals(settings.network()))
                .withEnv(env.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList())
                .withTty(false)
                .withLabels(Map.of(NODE_LABEL, node, "dev.codd.purpose", purpose))
                .withHostConfig(host);
        if (!command.isEmpty()) {
            create.withCmd(command);
        }
        return create;
    }

    /** The ID of the container {@code create} makes. */
    private String created(CreateContainerCmd create, Image image) {
        try {
            return answered(create::exec).getId();
        } catch (RuntimeException e) {
            throw new CoddException(ErrorCode.FUNCTION_FAILED, "Docker could not create a container of "
                    + image.reference() + " on node " + node + ": " + failed(e));
        }
    }

    /**
     * Runs a job's container to its end: {@code inputs} (host file to path in the container) mounted
     * read-only, {@code outputs} writable at /outputs, killed at the node's time limit, removed after.
     */
    public JobResult runJob(Image image, List<String> command, Map<String, String> env, Map<Path, String> inputs,
            Path outputs, String purpose) {
        List<Bind> binds = new ArrayList<>();
        inputs.forEach((file, path) -> binds.add(new Bind(file.toString(), new Volume(path), AccessMode.ro)));
        binds.add(new Bind(outputs.toString(), new Volume("/outputs"), AccessMode.rw));
        String id = created(create(image, command, env, purpose, lockedDown().withBinds(binds)), image);
        try {
            answered(() -> client.startContainerCmd(id).exec());
            String killed = watch(id, outputs);
            var state = state(id);
            if (killed == null && Boolean.TRUE.equals(state.getOOMKilled())) {
                killed = "it used more than the node's memory limit of " + (settings.memoryBytes() >> 20) + " MiB";
            }
            Long exitCode = state.getExitCodeLong();
            return new JobResult(exitCode == null ? -1 : exitCode, killed, logs(id));
        } catch (RuntimeException e) {
            throw new CoddException(ErrorCode.FUNCTION_FAILED, "Docker could not run a container of "
                    + image.reference() + " on node " + node + ": " + failed(e));
        } finally {
            remove(id);
        }
    }

    /**
     * Waits for a job's container to end, killing it at the node's time limit or once /outputs holds
     * more than the node's output limit (looked at four times a second: the disk is the node's too);
     * returns why it was killed, null when it ended by itself. Each look is a request the engine must
     * answer in time, so an engine that hangs fails the job, and one that refuses says why.
     */
    private String watch(String id, Path outputs) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (Boolean.TRUE.equals(state(id).getRunning())) {
            String reason = System.nanoTime() > deadline
                    ? "it ran longer than the node's time limit of " + settings.timeout().toSeconds() + " s"
                    : sizeOf(outputs) > settings.maxOutputBytes()
                            ? "it wrote more than the node's output limit of " + settings.maxOutputBytes()
                                    + " bytes to /outputs"
                            : null;
            if (reason != null) {
                kill(id);
                return reason;
            }
            try {
                Thread.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the container", e);
            }
        }
        return null;
    }

    /** The bytes of the regular files under {@code directory}, links not followed. */
    private static long sizeOf(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // being written to: the next look counts it
        }
    }

    /** How a job's container ended: its exit code, why it was killed if it was, the end of its output. */
    public record JobResult(long exitCode, String killedBecause, String logs) {}

    /** The last 200 lines the container wrote, stdout and stderr as they came. */
    private String logs(String id) {
        StringBuilder text = new StringBuilder();
        try (ResultCallback.Adapter<Frame> reading = client.logContainerCmd(id).withStdOut(true).withStdErr(true)
                .withTail(200).exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        synchronized (text) {
                            text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }
                })) {
            reading.awaitCompletion(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS); // then closed, if waiting
        } catch (IOException e) {
            // closing the read: what came is kept
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (text) {
            return text.toString();
        }
    }

    /** Runs {@code work} on the engine's request threads, unless the engine is closing. */
    void inBackground(Runnable work) {
        try {
            requests.execute(work);
        } catch (RejectedExecutionException closing) {
            // the engine is closing: the node removes what is left when it starts again
        }
    }

    /** How a container is now: running, or how it ended. */
    InspectContainerResponse.ContainerState state(String id) {
        return answered(() -> client.inspectContainerCmd(id).exec()).getState();
    }

    String node() {
        return node;
    }

    /** Kills a container; a failure is logged, never thrown: the container is removed after, or was already. */
    void kill(String id) {
        try {
            answered(() -> client.killContainerCmd(id).exec());
        } catch (NotFoundException | ConflictException ended) {
            // it has ended already
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not kill container {}: {}", node, id, failed(e));
        }
    }

    /**
     * Removes a container, killed or not; a failure is logged, never thrown over the error being
     * reported, and the removal is tried again until the engine takes it: a container whose kill the
     * engine did not hear would otherwise run on with nobody applying its limits.
     */
    void remove(String id) {
        if (!removed(id)) {
            retryRemoval(id);
        }
    }

    private boolean removed(String id) {
        try {
            answered(() -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
            return true;
        } catch (NotFoundException gone) {
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not remove container {}, and tries again: {}", node, id, failed(e));
            return false;
        }
    }

    private void retryRemoval(String id) {
        try {
            deadlines.schedule(() -> inBackground(() -> remove(id)), settings.answerTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the engine is closing: the node removes what is left when it starts again
        }
    }

    private CoddException unreachable(RuntimeException e) {
        return new CoddException(ErrorCode.NODE_UNAVAILABLE, "Node " + node + " cannot reach its Docker engine at "
                + settings.host() + ": " + failed(e));
    }

    /** What went wrong with a request to the engine, in words when the engine did not answer in time. */
    String failed(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException && !(cause instanceof ConnectTimeoutException)) {
                return "the engine did not answer within " + settings.answerTimeout().toSeconds() + " s";
            }
        }
        return firstLine(e);
    }

    private void removeLeftovers() {
        for (Container container : answered(() -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(NODE_LABEL, node)).exec())) {
            remove(container.getId());
        }
    }

    static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // a connection released, or a wait stopped: nothing to tell anyone
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        requests.shutdownNow();
        closeQuietly(client);
    }
}
