package dev.codd.node.compute;

import static java.util.Objects.requireNonNull;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.Input;
import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.executors.wasm.WasmFunctions;
import dev.codd.executors.wasm.WasmModules;
import dev.codd.node.DaemonThreads;
import dev.codd.node.Version;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditTables;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.flight.Caller;
import dev.codd.node.flight.FlightServers;
import dev.codd.node.flight.TlsTrust;
import dev.codd.node.wire.ClusterActions;
import dev.codd.node.wire.Heartbeat;
import dev.codd.node.wire.HeartbeatReply;
import dev.codd.node.wire.NodeAddress;
import dev.codd.node.wire.NodeCatalog;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compute node: owns a data directory, serves fragments over it on a Flight port, and tells the
 * requester it is alive and what it holds.
 */
public final class ComputeNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeNode.class);
    private static final int BATCH_ROWS = 64 * 1024;

    /**
     * How to run a compute node.
     *
     * @param name the node's name in the cluster; null for its {@code host:port}
     * @param host the address to listen on
     * @param advertisedHost the address the requester reaches the node at; null for {@code host}
     * @param port 0 for any free port
     * @param heartbeatInterval how often the node tells the requester it is alive, and rescans its directory
     * @param auditDirectory where the node's audit log and key are kept; null to keep none (for measuring
     *     its cost only)
     * @param docker how the node runs containers; null when it runs none
     * @param secrets the values a container's environment may name
     * @param labels what the operator says of the node ({@code region=eu}); jobs choose nodes by them
     * @param requesterTls how to check the requester over TLS; null when it serves plain text
     * @param auditSync when a fragment's record is synced
     */
    public record Config(String name, Path dataDirectory, String host, String advertisedHost, int port,
            NodeAddress requester, Duration heartbeatInterval, Path auditDirectory, DockerSettings docker,
            Secrets secrets, Map<String, String> labels, TlsTrust requesterTls, AuditSync auditSync) {
        public Config {
            requireNonNull(auditSync, "auditSync is null");
            labels = Map.copyOf(labels);
            requireNonNull(secrets, "secrets is null");
            requireNonNull(dataDirectory, "dataDirectory is null");
            requireNonNull(host, "host is null");
            requireNonNull(requester, "requester is null");
            requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        }
    }

    private final Config config;
    private final BufferAllocator allocator;
    private final DuckDbExecutor duckdb;
    private final DataStore store;
    private final FragmentService fragments;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final FlightServer server;
    private final FlightClient requester;
    private final ScheduledExecutorService heartbeats;
    private final ScheduledExecutorService scanner;
    private final ExecutorService streams;
    private final NodeAddress address;
    private final String name;
    private final AtomicReference<NodeAudit> audit;
    private final AtomicReference<Containers> containers;
    /** The catalog and its version, replaced together by the scanner. */
    private record Versioned(NodeCatalog catalog, long version) {}

    private volatile Versioned catalog;
    private long acknowledgedVersion = -1;
    private boolean requesterReachable = true;

    private ComputeNode(Config config, BufferAllocator allocator, DuckDbExecutor duckdb, DataStore store,
            ExecutorService streams, FragmentService fragments, FlightServer server, FlightClient requester,
            AtomicReference<NodeAudit> audit, AtomicReference<Containers> containers) {
        this.config = config;
        this.containers = containers;
        this.fragments = fragments;
        this.audit = audit;
        this.streams = streams;
        this.allocator = allocator;
        this.duckdb = duckdb;
        this.store = store;
        this.server = server;
        this.requester = requester;
        this.address = new NodeAddress(config.advertisedHost() != null ? config.advertisedHost() : config.host(),
                server.getPort());
        this.name = config.name() != null ? config.name() : address.toString();
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("codd-heartbeat-" + name));
        // hashing and describing a large new file must not delay heartbeats
        this.scanner = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("codd-scan-" + name));
    }

    /** Scans the data directory, starts serving, and begins heartbeats to the requester. */
    public static ComputeNode start(Config config, BufferAllocator parent) {
        Path data = config.dataDirectory().toAbsolutePath().normalize();
        if (!Files.isDirectory(data)) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Data directory " + data + " does not exist");
        }
        BufferAllocator allocator = parent.newChildAllocator("node-" + data, 0, Long.MAX_VALUE);
        // the audit log is read as sys.node_audit: the node's DuckDB may read it, wherever it is kept
        DuckDbExecutor duckdb = config.auditDirectory() == null ? DuckDbExecutor.confinedTo(data)
                : DuckDbExecutor.confinedTo(data, config.auditDirectory());
        DataStore store = new DataStore(data, duckdb);
        ExecutorService streams = Executors.newCachedThreadPool(DaemonThreads.named("codd-fragment"));
        AtomicReference<NodeAudit> audit = new AtomicReference<>();
        ShardSources sources = (table, cids) -> table.equalsIgnoreCase(AuditTables.NODE_TABLE)
                ? auditSources(audit.get(), cids) : store.sources(table, cids);
        NodeAddress requesterAddress = config.requester();
        FlightClient requester;
        try {
            requester = TlsTrust.client(allocator, requesterAddress, config.requesterTls());
        } catch (CoddException e) {
            duckdb.close();
            allocator.close();
            throw e;
        }
        // a module comes from the requester the first time a fragment calls one of its functions
        AtomicReference<String> where = new AtomicReference<>("node " + config.name());
        WasmFunctions functions = new WasmFunctions(duckdb, new WasmModules(cid -> fetchModule(requester, cid)),
                where::get);
        AtomicReference<Containers> containers = new AtomicReference<>();
        FragmentService fragments = new FragmentService(sources, duckdb, functions, allocator, BATCH_ROWS, streams,
                audit, config.auditDirectory() != null, containers, new JobRunner(store, containers, audit));
        FlightServer server = Caller.recordOn(FlightServer.builder(allocator,
                        Location.forGrpcInsecure(config.host(), config.port()), fragments))
                .executor(streams) // see FlightServers: a pool Flight does not own keeps signals coming while it stops
                .build();
        try {
            server.start();
        } catch (IOException e) {
            closeQuietly(requester);
            streams.shutdownNow();
            duckdb.close();
            allocator.close();
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        ComputeNode node;
        try {
            node = new ComputeNode(config, allocator, duckdb, store, streams, fragments, server, requester, audit,
                    containers);
            where.set("node " + node.name);
            containers.set(Containers.connect(node.name, config.docker(), config.secrets()));
            if (config.auditDirectory() != null) {
                NodeKey key = NodeKey.loadOrCreate(config.auditDirectory());
                audit.set(new NodeAudit(node.name, AuditLog.open(config.auditDirectory(), SignedHeads.nodeOwner(node.name),
                        AuditLog.DEFAULT_SEGMENT_BYTES, Map.of("address", node.address.toString(), "data", data.toString(),
                                "publicKey", key.publicKey(), "version", Version.current(),
                                "auditSync", config.auditSync().name().toLowerCase(Locale.ROOT))), key, config.auditSync()));
            }
            node.catalog = new Versioned(store.scan(), 0);
        } catch (RuntimeException e) {
            NodeAudit opened = audit.get();
            if (opened != null) {
                opened.close();
            }
            if (containers.get() != null) {
                containers.get().close();
            }
            server.shutdown();
            closeQuietly(requester);
            streams.shutdownNow();
            duckdb.close();
            allocator.close();
            throw e;
        }
        long millis = config.heartbeatInterval().toMillis();
        node.scanner.scheduleWithFixedDelay(node::rescan, millis, millis, TimeUnit.MILLISECONDS);
        node.heartbeats.scheduleWithFixedDelay(node::heartbeat, 0, millis, TimeUnit.MILLISECONDS);
        LOG.info("Node {} serves {} on {} ({} shards), joining {}", node.name, data, node.address,
                node.catalog.catalog().shards().size(), requesterAddress);
        return node;
    }

    private static byte[] fetchModule(FlightClient requester, String cid) {
        try {
            Iterator<Result> results = requester.doAction(new Action(ClusterActions.MODULE,
                    cid.getBytes(StandardCharsets.UTF_8)), CallOptions.timeout(30, TimeUnit.SECONDS));
            if (!results.hasNext()) {
                throw new CoddException(ErrorCode.NODE_UNAVAILABLE, "The requester sent no WASM module " + cid);
            }
            byte[] module = results.next().getBody();
            results.forEachRemaining(ignored -> { });
            return module;
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e, ErrorCode.NODE_UNAVAILABLE, "Cannot fetch WASM module " + cid
                    + " from the requester: ");
        }
    }

    private static void closeQuietly(FlightClient client) {
        try {
            client.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The node's own audit log as the shard {@code sys.node_audit} names for it. */
    private static List<Input.Source> auditSources(NodeAudit audit, List<String> cids) {
        if (audit == null || !cids.equals(List.of(AuditTables.cid(audit.node())))) {
            throw new CoddException(ErrorCode.FRAGMENT_REFUSED, "Fragment refused: this node holds no audit log "
                    + cids);
        }
        return List.of(new Input.AuditSegments(audit.log().segments(), audit.node()));
    }

    public String name() {
        return name;
    }

    public NodeAddress address() {
        return address;
    }

    /** How many fragments the node runs now: queries that were cancelled or timed out have none left. */
    public int runningFragments() {
        return fragments.running();
    }

    public Path dataDirectory() {
        return store.root();
    }

    private void rescan() {
        try {
            NodeCatalog scanned = store.scan();
            Versioned current = catalog;
            if (!scanned.equals(current.catalog())) {
                catalog = new Versioned(scanned, current.version() + 1);
            }
        } catch (RuntimeException e) {
            LOG.error("Scanning the data of node {} failed", name, e);
        }
    }

    private void heartbeat() {
        NodeAudit nodeAudit = audit.get();
        try {
            Versioned current = catalog;
            boolean sendCatalog = acknowledgedVersion != current.version();
            Heartbeat beat = new Heartbeat(name, address, current.version(), sendCatalog ? current.catalog() : null,
                    nodeAudit == null ? null : nodeAudit.signedHead(), fragments.running(),
                    containers.get().available(), config.labels());
            Iterator<Result> results = requester.doAction(new Action(ClusterActions.HEARTBEAT, WireJson.write(beat)),
                    CallOptions.timeout(10, TimeUnit.SECONDS));
            HeartbeatReply reply = WireJson.read(results.next().getBody(), HeartbeatReply.class);
            results.forEachRemaining(ignored -> { });
            acknowledgedVersion = reply.knownCatalogVersion();
            if (nodeAudit != null && reply.requesterAudit() != null) {
                nodeAudit.requesterHead(config.requester().toString(), reply.requesterAudit());
            }
            if (!requesterReachable) {
                LOG.info("Node {} reached the requester again", name);
                requesterReachable = true;
            }
        } catch (FlightRuntimeException | CoddException e) {
            acknowledgedVersion = -1;
            if (heartbeats.isShutdown()) {
                return; // the node is stopping: the beat was interrupted, the requester is not at fault
            }
            if (requesterReachable) {
                LOG.warn("Node {} cannot reach the requester at {}: {}", name, config.requester(),
                        e.getMessage());
                requesterReachable = false;
                if (nodeAudit != null) { // a requester may come back with another log: keep what this one held
                    nodeAudit.requesterGone();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Heartbeat of node {} failed", name, e);
        }
    }

    /** Leaves the cluster, then stops serving; once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scanner.shutdownNow();
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
            requester.doAction(new Action(ClusterActions.LEAVE, name.getBytes(StandardCharsets.UTF_8)),
                    CallOptions.timeout(2, TimeUnit.SECONDS)).forEachRemaining(ignored -> { });
        } catch (FlightRuntimeException e) {
            LOG.debug("Node {} could not say goodbye: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FlightServers.stop(server, fragments::cancelRunning);
        try {
            requester.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DaemonThreads.stop(streams);
        NodeAudit nodeAudit = audit.get();
        if (nodeAudit != null) {
            nodeAudit.close();
        }
        containers.get().close();
        duckdb.close();
        allocator.close();
        LOG.info("Node {} stopped", name);
    }
}
