package dev.codd.node;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.node.compute.AuditSync;
import dev.codd.node.compute.ComputeNode;
import dev.codd.node.flight.TlsTrust;
import dev.codd.node.requester.NodeRegistry;
import dev.codd.node.requester.Requester;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A whole cluster in one JVM: one requester and a compute node per data directory, on loopback and
 * free ports. It returns once every node has joined with its catalog. The demo and the tests use it.
 * Each node keeps its audit log in {@code DATA/.codd/audit}, the requester in
 * {@code .codd/requester-audit} next to the first data directory, and users' functions in
 * {@code .codd/requester-functions} there.
 */
public final class LocalCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final BufferAllocator allocator;
    private final Requester requester;
    private final List<ComputeNode> nodes = new ArrayList<>();

    /**
     * What a local cluster runs with besides its data.
     *
     * @param requesterLog whether the requester keeps an audit log
     * @param nodeLogs whether the nodes keep audit logs
     * @param docker how the nodes run containers; null for none
     * @param tlsCertificate the requester's TLS certificate (PEM), also what its clients trust; null for plain text
     * @param auditSync when the nodes sync their records of fragments
     */
    private record Options(boolean requesterLog, boolean nodeLogs, DockerSettings docker, Secrets secrets, Path tlsCertificate,
            Path tlsKey, AuditSync auditSync) {
        static final Options DEFAULT = new Options(true, true, null, Secrets.NONE, null, null, AuditSync.FRAGMENT);
    }

    private final Options options;

    /** @param requesterState where the requester keeps its audit log, users' functions and jobs */
    private LocalCluster(List<Path> dataDirectories, Path requesterState, Options options) {
        this.options = options;
        Duration heartbeat = Duration.ofMillis(200);
        allocator = new RootAllocator();
        try {
            requester = Requester.start(new Requester.Config(HOST, 0, Duration.ofSeconds(2), Duration.ofSeconds(30),
                    options.requesterLog() ? requesterState.resolve("requester-audit") : null,
                    requesterState.resolve("requester-functions"), requesterState.resolve("requester-jobs"),
                    options.tlsCertificate(), options.tlsKey()), allocator);
        } catch (RuntimeException e) {
            allocator.close();
            throw e;
        }
        TlsTrust trust = options.tlsCertificate() == null ? null : new TlsTrust(options.tlsCertificate());
        try {
            for (int i = 0; i < dataDirectories.size(); i++) {
                Path data = dataDirectories.get(i);
                nodes.add(ComputeNode.start(new ComputeNode.Config("node" + (i + 1), data, HOST, null, 0,
                        requester.address(), heartbeat, options.nodeLogs() ? nodeAuditDirectory(data) : null,
                        options.docker(), options.secrets(), Map.of("node", "node" + (i + 1)), trust, options.auditSync()),
                        allocator));
            }
            awaitNodes(registry -> registry.nodes().stream().filter(n -> n.up() && n.catalogVersion() >= 0).count()
                    == dataDirectories.size());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A cluster with a node per directory, heartbeats every 200 ms, nodes down after 2 s of silence. */
    public static LocalCluster start(List<Path> dataDirectories) {
        return new LocalCluster(dataDirectories, requesterDirectory(dataDirectories), Options.DEFAULT);
    }

    /** The same cluster, its nodes syncing their records of fragments as {@code auditSync} says. */
    public static LocalCluster start(List<Path> dataDirectories, AuditSync auditSync) {
        return withLogs(dataDirectories, true, true, auditSync);
    }

    /** The same cluster whose nodes run containers as {@code docker} says, with {@code secrets}. */
    public static LocalCluster withDocker(List<Path> dataDirectories, DockerSettings docker, Secrets secrets) {
        return new LocalCluster(dataDirectories, requesterDirectory(dataDirectories),
                new Options(true, true, docker, secrets, null, null, AuditSync.FRAGMENT));
    }

    /** The same cluster whose requester serves TLS with this certificate (PEM) and key (PEM, PKCS#8). */
    public static LocalCluster withTls(List<Path> dataDirectories, Path certificate, Path key) {
        return new LocalCluster(dataDirectories, requesterDirectory(dataDirectories),
                new Options(true, true, null, Secrets.NONE, certificate, key, AuditSync.FRAGMENT));
    }

    /**
     * The same cluster keeping only the audit logs asked for, its nodes syncing as {@code auditSync}
     * says: only to measure what auditing costs, and which side's log costs what.
     */
    public static LocalCluster withLogs(List<Path> dataDirectories, boolean requesterLog, boolean nodeLogs, AuditSync auditSync) {
        return new LocalCluster(dataDirectories, requesterDirectory(dataDirectories),
                new Options(requesterLog, nodeLogs, null, Secrets.NONE, null, null, auditSync));
    }

    /**
     * A requester and one compute node over {@code dataDirectory}, everything the cluster keeps in
     * {@code DIR/.codd}: what {@code jdbc:codd:local:DIR} runs inside the application's JVM.
     */
    public static LocalCluster embedded(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        return new LocalCluster(List.of(data), data.resolve(".codd"), Options.DEFAULT);
    }

    /** Where a compute node keeps its audit log unless told otherwise. */
    public static Path nodeAuditDirectory(Path dataDirectory) {
        return dataDirectory.resolve(".codd").resolve("audit");
    }

    /** Where a local cluster (not an embedded one) keeps its requester's audit log. */
    public static Path requesterAuditDirectory(List<Path> dataDirectories) {
        return requesterDirectory(dataDirectories).resolve("requester-audit");
    }

    private static Path requesterDirectory(List<Path> dataDirectories) {
        Path first = dataDirectories.get(0).toAbsolutePath();
        return (first.getParent() != null ? first.getParent() : first).resolve(".codd");
    }

    /** The URL that reaches the requester; over TLS, trusting the cluster's own certificate. */
    public String jdbcUrl() {
        return "jdbc:codd://" + requester.address() + (options.tlsCertificate() == null ? ""
                : "?tls=true&tlsRootCerts=" + URLEncoder.encode(options.tlsCertificate().toString(), StandardCharsets.UTF_8));
    }

    public Requester requester() {
        return requester;
    }

    public List<ComputeNode> nodes() {
        return List.copyOf(nodes);
    }

    /** Waits up to 30 s until the registry satisfies {@code condition}, e.g. after files changed. */
    public void awaitNodes(Predicate<NodeRegistry> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(requester.registry())) {
            if (System.nanoTime() > deadline) {
                throw new CoddException(ErrorCode.NODE_UNAVAILABLE,
                        "The cluster did not reach the expected state within 30 s: " + requester.registry().nodes());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CoddException(ErrorCode.QUERY_CANCELLED, "Interrupted while waiting for nodes");
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(ComputeNode::close);
        requester.close();
        allocator.close();
    }
}
