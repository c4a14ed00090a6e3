package dev.codd.node.cli;

import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.node.LocalCluster;
import dev.codd.node.compute.AuditSync;
import dev.codd.node.compute.ComputeNode;
import dev.codd.node.flight.TlsTrust;
import dev.codd.node.requester.Requester;
import dev.codd.node.wire.NodeAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code codd serve requester|compute}: run one piece of a cluster until stopped. */
@Command(name = "serve", description = "Run a requester or a compute node until stopped (Ctrl-C).",
        mixinStandardHelpOptions = true,
        subcommands = {ServeCommand.RequesterCommand.class, ServeCommand.ComputeCommand.class})
final class ServeCommand {

    @Command(name = "requester", mixinStandardHelpOptions = true,
            description = "Run the requester: the SQL endpoint (jdbc:codd://HOST:PORT) that compute nodes join.")
    static final class RequesterCommand implements Runnable {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "7600", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--down-after", defaultValue = "5", paramLabel = "SECONDS",
                description = "Mark a node down after this many seconds without a heartbeat (default: ${DEFAULT-VALUE}).")
        int downAfterSeconds;

        @Option(names = "--audit", paramLabel = "DIR", defaultValue = "${sys:user.home}/.codd/requester/audit",
                description = "Where the requester keeps its audit log (default: ${DEFAULT-VALUE}).")
        Path audit;

        @Option(names = "--functions", paramLabel = "DIR", defaultValue = "${sys:user.home}/.codd/requester/functions",
                description = "Where the requester keeps users' WASM functions and their modules (default: "
                        + "${DEFAULT-VALUE}).")
        Path functions;

        @Option(names = "--jobs", paramLabel = "DIR", defaultValue = "${sys:user.home}/.codd/requester/jobs",
                description = "Where the requester keeps jobs and their history (default: ${DEFAULT-VALUE}).")
        Path jobs;

        @Option(names = "--tls-cert", paramLabel = "PEM",
                description = "Serve TLS with this certificate chain (with --tls-key); clients connect with tls=true.")
        Path tlsCertificate;

        @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PKCS#8 PEM).")
        Path tlsKey;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            Logging.level("info");
            checkPort(spec, port);
            if (downAfterSeconds < 1) {
                throw new ParameterException(spec.commandLine(), "--down-after must be at least 1 second");
            }
            if ((tlsCertificate == null) != (tlsKey == null)) {
                throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
            }
            BufferAllocator allocator = new RootAllocator();
            Requester requester;
            try {
                requester = Requester.start(new Requester.Config(host, port,
                        Duration.ofSeconds(downAfterSeconds), Duration.ofSeconds(30), audit, functions, jobs,
                        tlsCertificate, tlsKey), allocator);
            } catch (RuntimeException e) {
                allocator.close();
                throw e;
            }
            System.out.println("Codd requester listening: jdbc:codd://" + requester.address()
                    + (tlsCertificate == null ? "" : "?tls=true"));
            awaitShutdown(() -> {
                requester.close();
                allocator.close();
            });
        }
    }

    @Command(name = "compute", mixinStandardHelpOptions = true,
            description = "Run a compute node over a data directory and join a requester. Every file under "
                    + "DATA/<table>/ (Parquet, CSV, JSON) is a shard of <table>; every table of DATA/*.duckdb is a table.")
    static final class ComputeCommand implements Runnable {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The node's data directory.")
        Path data;

        @Option(names = "--join", required = true, paramLabel = "HOST:PORT", description = "The requester to join.")
        String join;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--advertise", paramLabel = "HOST",
                description = "Address the requester reaches this node at (default: --host); needed when --host is 0.0.0.0.")
        String advertise;

        @Option(names = "--port", defaultValue = "0", description = "Port to listen on (default: any free port).")
        int port;

        @Option(names = "--name", description = "The node's name in the cluster (default: HOST:PORT).")
        String name;

        @Option(names = "--audit", paramLabel = "DIR",
                description = "Where the node keeps its audit log and signing key (default: DATA/.codd/audit).")
        Path audit;

        @Option(names = "--audit-sync", paramLabel = "WHEN", defaultValue = "fragment",
                description = "When a fragment's audit record is synced to disk: 'fragment', before its first row leaves "
                        + "(default); or 'interval', within about 0.1 s, so that fragments do not wait for slow storage (a "
                        + "failing machine may lose the records since its last fsync; a killed node process loses none).")
        AuditSync auditSync;

        @Option(names = "--docker-image", paramLabel = "IMAGE",
                description = "An image docker_map may run here, by name or ID (repeat it; without any, the node runs no containers).")
        List<String> dockerImages = new ArrayList<>();

        @Option(names = "--docker-host", paramLabel = "URL", defaultValue = "${env:DOCKER_HOST:-unix:///var/run/docker.sock}",
                description = "The Docker engine (default: ${DEFAULT-VALUE}).")
        String dockerHost;

        @Option(names = "--docker-memory", paramLabel = "MIB", defaultValue = "256",
                description = "Memory per container, in MiB (default: ${DEFAULT-VALUE}).")
        long dockerMemory;

        @Option(names = "--docker-cpus", paramLabel = "N", defaultValue = "1", description = "CPUs per container (default: ${DEFAULT-VALUE}).")
        double dockerCpus;

        @Option(names = "--docker-pids", paramLabel = "N", defaultValue = "64",
                description = "Processes per container (default: ${DEFAULT-VALUE}).")
        long dockerPids;

        @Option(names = "--docker-timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "Wall-clock time a container may run before it is killed (default: ${DEFAULT-VALUE}).")
        long dockerTimeout;

        @Option(names = "--docker-tmpfs", paramLabel = "MIB", defaultValue = "64",
                description = "Size of the writable /tmp of a container, in MiB (default: ${DEFAULT-VALUE}).")
        long dockerTmpfs;

        @Option(names = "--docker-network", paramLabel = "MODE", defaultValue = "none",
                description = "Network of containers: none, or a Docker network mode such as bridge (default: ${DEFAULT-VALUE}).")
        String dockerNetwork;

        @Option(names = "--docker-max-output", paramLabel = "MIB", defaultValue = "1024",
                description = "Most a container may write to stdout per query, in MiB (default: ${DEFAULT-VALUE}).")
        long dockerMaxOutput;

        @Option(names = "--docker-answer-timeout", paramLabel = "SECONDS", defaultValue = "10",
                description = "How long to wait for the Docker engine to answer one request before the query that "
                        + "needs it fails (default: ${DEFAULT-VALUE}).")
        long dockerAnswerTimeout;

        @Option(names = "--secrets", paramLabel = "FILE", description = "A file of name=value lines: secrets containers may be given.")
        Path secretsFile;

        @Option(names = "--join-tls", description = "The requester serves TLS: check it against the JVM's trusted authorities.")
        boolean joinTls;

        @Option(names = "--join-tls-root", paramLabel = "PEM",
                description = "The requester serves TLS: check it against these root certificates (implies --join-tls).")
        Path joinTlsRoot;

        @Option(names = "--label", paramLabel = "KEY=VALUE",
                description = "Something true of the node, for choosing nodes for jobs (repeat it), e.g. region=eu.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--secret-env", paramLabel = "VAR", description = "An environment variable that is a secret of its own name (repeat it).")
        List<String> secretVariables = new ArrayList<>();

        @Spec
        CommandSpec spec;

        private DockerSettings docker() {
            if (dockerImages.isEmpty()) {
                return null;
            }
            try {
                return new DockerSettings(dockerHost, dockerImages, dockerMemory << 20, dockerCpus, dockerPids,
                        Duration.ofSeconds(dockerTimeout), dockerTmpfs << 20, dockerNetwork, dockerMaxOutput << 20,
                        Duration.ofSeconds(dockerAnswerTimeout));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid Docker settings: " + e.getMessage());
            }
        }

        @Override
        public void run() {
            Logging.level("info");
            NodeAddress requester;
            try {
                requester = NodeAddress.parse(join);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid --join: " + e.getMessage());
            }
            if (advertise == null && (host.equals("0.0.0.0") || host.equals("::"))) {
                throw new ParameterException(spec.commandLine(), "--host " + host
                        + " listens on every interface; say with --advertise which address the requester can reach");
            }
            checkPort(spec, port);
            BufferAllocator allocator = new RootAllocator();
            ComputeNode node;
            try {
                node = ComputeNode.start(new ComputeNode.Config(name, data, host, advertise, port, requester,
                        Duration.ofSeconds(1), audit != null ? audit : LocalCluster.nodeAuditDirectory(data), docker(),
                        Secrets.load(secretsFile, secretVariables, System.getenv()), labels,
                        joinTls || joinTlsRoot != null ? new TlsTrust(joinTlsRoot) : null, auditSync), allocator);
            } catch (RuntimeException e) {
                allocator.close();
                throw e;
            }
            System.out.println("Codd compute node " + node.name() + " serving " + node.dataDirectory() + " on "
                    + node.address() + ", joined " + requester);
            awaitShutdown(() -> {
                node.close();
                allocator.close();
            });
        }
    }

    static void checkPort(CommandSpec spec, int port) {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, not " + port);
        }
    }

    /** Blocks until the JVM is asked to stop, then runs {@code stop}. */
    static void awaitShutdown(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "codd-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
