package dev.codd.node.requester;

import static java.util.Objects.requireNonNull;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.wasm.WasmFunctions;
import dev.codd.executors.wasm.WasmModules;
import dev.codd.node.DaemonThreads;
import dev.codd.node.Version;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.flight.Caller;
import dev.codd.node.flight.FlightServers;
import dev.codd.node.wire.Job;
import dev.codd.node.wire.NodeAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester: the cluster's SQL endpoint (Flight SQL), its node registry, and the machinery that
 * plans queries, runs their fragments on the nodes and merges what comes back.
 */
public final class Requester implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Requester.class);
    private static final int BATCH_ROWS = 64 * 1024;

    /**
     * How to run a requester.
     *
     * @param port 0 for any free port
     * @param downAfter how long a node may be silent before it is down
     * @param nodeTimeout how long a node may take to start a fragment
     * @param auditDirectory where the audit log is kept; null to keep none (for measuring its cost only)
     * @param functionDirectory where users' functions and their modules are kept; null to keep them in memory
     * @param jobDirectory where jobs and their history are kept; null to keep them in memory
     * @param tlsCertificate the PEM certificate chain the requester serves TLS with; null for plain text
     * @param tlsKey the PEM (PKCS#8) private key of that certificate
     */
    public record Config(String host, int port, Duration downAfter, Duration nodeTimeout, Path auditDirectory,
            Path functionDirectory, Path jobDirectory, Path tlsCertificate, Path tlsKey) {
        public Config {
            requireNonNull(host, "host is null");
            if ((tlsCertificate == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate and its key");
            }
            requireNonNull(downAfter, "downAfter is null");
            requireNonNull(nodeTimeout, "nodeTimeout is null");
        }
    }

    private final BufferAllocator allocator;
    private final NodeRegistry registry;
    private final QueryLog log = new QueryLog();
    private final NodeClients clients;
    private final DuckDbExecutor rootDuckDb;
    private final ExecutorService fetchers;
    private final ExecutorService streams;
    private final ExecutorService jobRunners;
    private final ScheduledExecutorService timers;
    private final RequesterService service;
    private final FlightServer server;
    private final NodeAddress address;
    private final RequesterAudit audit;
    private final SystemTableServer systemTables;

    private Requester(Config config, BufferAllocator parent) {
        // first what may fail on what is on disk: nothing else is open yet to be closed
        FunctionCatalog functions = FunctionCatalog.open(config.functionDirectory());
        List<Job> keptJobs = Jobs.load(config.jobDirectory());
        audit = config.auditDirectory() == null ? RequesterAudit.off() : RequesterAudit.open(config.auditDirectory(),
                AuditLog.DEFAULT_SEGMENT_BYTES, Map.of("version", Version.current()), Clock.systemUTC());
        try {
            allocator = parent.newChildAllocator("requester", 0, Long.MAX_VALUE);
            timers = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("codd-requester-timer"));
            fetchers = Executors.newCachedThreadPool(DaemonThreads.named("codd-fetch"));
            streams = Executors.newCachedThreadPool(DaemonThreads.named("codd-result"));
            clients = new NodeClients(allocator);
            rootDuckDb = DuckDbExecutor.withoutFileAccess();
            RequesterService[] serviceRef = new RequesterService[1];
            registry = new NodeRegistry(config.downAfter(), node -> serviceRef[0].nodeDown(node), audit);
            jobRunners = Executors.newCachedThreadPool(DaemonThreads.named("codd-job"));
            Jobs jobs = new Jobs(config.jobDirectory(), keptJobs, registry, clients, audit, jobRunners);
            WasmModules modules = new WasmModules(functions::module);
            systemTables = new SystemTableServer(audit.log().orElse(null), new SystemTables(registry, log, functions, jobs),
                    modules, allocator, BATCH_ROWS, streams);
            QueryServices services = new QueryServices(registry, clients, rootDuckDb, allocator, fetchers, streams, timers,
                    log, audit, systemTables.address(), config.nodeTimeout(), BATCH_ROWS, functions,
                    new WasmFunctions(rootDuckDb, modules, () -> "the requester"));
            service = new RequesterService(services, timers, Version.current(), jobs);
            serviceRef[0] = service;
        } catch (RuntimeException e) {
            audit.close(); // its lock would keep this process from opening the log again
            throw e;
        }
        FlightServer.Builder builder = FlightServer.builder(allocator, config.tlsCertificate() == null
                ? Location.forGrpcInsecure(config.host(), config.port())
                : Location.forGrpcTls(config.host(), config.port()), service);
        try { // the TLS context is made when the server is built: a key of the wrong form fails there
            if (config.tlsCertificate() != null) {
                builder.useTls(config.tlsCertificate().toFile(), config.tlsKey().toFile());
            }
            server = Caller.recordOn(builder).executor(streams).build(); // see FlightServers
        } catch (IOException | RuntimeException e) {
            closeResources();
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Cannot serve TLS with certificate "
                    + config.tlsCertificate() + " and key " + config.tlsKey() + " (PEM, the key in PKCS#8): "
                    + e.getMessage(), e);
        }
        try {
            server.start();
        } catch (IOException e) {
            closeResources();
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        address = new NodeAddress(config.host(), server.getPort());
        fetchers.execute(service::warmUp);
        long period = Math.max(100, config.downAfter().toMillis() / 5);
        timers.scheduleAtFixedRate(() -> registry.checkLiveness(Instant.now()), period, period, TimeUnit.MILLISECONDS);
    }

    public static Requester start(Config config, BufferAllocator parent) {
        Requester requester = new Requester(config, parent);
        LOG.info("Requester listens on {} (jdbc:codd://{})", requester.address, requester.address);
        return requester;
    }

    public NodeAddress address() {
        return address;
    }

    public NodeRegistry registry() {
        return registry;
    }

    public QueryLog queries() {
        return log;
    }

    /** The audit log; empty when the requester keeps none. */
    public Optional<AuditLog> audit() {
        return audit.log();
    }

    @Override
    public void close() {
        service.shutdown();
        FlightServers.stop(server);
        closeResources();
        LOG.info("Requester stopped");
    }

    private void closeResources() {
        timers.shutdownNow();
        fetchers.shutdownNow();
        DaemonThreads.stop(streams);
        if (jobRunners != null) {
            jobRunners.shutdownNow();
        }
        clients.close();
        rootDuckDb.close();
        if (systemTables != null) {
            systemTables.close();
        }
        audit.close();
        allocator.close();
    }
}
