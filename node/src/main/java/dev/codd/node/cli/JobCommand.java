package dev.codd.node.cli;

import dev.codd.common.Cid;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.flight.TlsTrust;
import dev.codd.node.wire.ClusterActions;
import dev.codd.node.wire.Job;
import dev.codd.node.wire.JobExecution;
import dev.codd.node.wire.JobOutputRequest;
import dev.codd.node.wire.JobSpec;
import dev.codd.node.wire.JobSubmission;
import dev.codd.node.wire.NodeAddress;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code codd job run | list | describe | logs | get}: Bacalhau-style jobs, a container run on the
 * nodes next to a table's shards (or on labelled nodes), through the requester.
 */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Run containers next to the data, and fetch what they write.",
        subcommands = {JobCommand.Run.class, JobCommand.ListJobs.class, JobCommand.Describe.class, JobCommand.Logs.class,
            JobCommand.Get.class})
final class JobCommand {
    /** The requester to talk to, over one connection for all the actions of a command. */
    static final class Requester implements AutoCloseable {
        @Option(names = "--requester", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7600",
                description = "The requester (default: ${DEFAULT-VALUE}).")
        String address;

        @Option(names = "--tls", description = "The requester serves TLS: check it against the JVM's trusted authorities.")
        boolean tls;

        @Option(names = "--tls-root", paramLabel = "PEM", description = "The requester serves TLS: check it against these roots.")
        Path tlsRoot;

        private RootAllocator allocator;
        private FlightClient client;

        /** Sends one action and returns the bodies of its results. */
        List<byte[]> call(String type, byte[] body) {
            List<byte[]> bodies = new ArrayList<>();
            stream(type, body, bodies::add);
            return bodies;
        }

        /** Sends one action and hands each result's body to {@code results} as it arrives. */
        void stream(String type, byte[] body, Consumer<byte[]> results) {
            try {
                client().doAction(new Action(type, body), CallOptions.timeout(1, TimeUnit.HOURS))
                        .forEachRemaining(result -> results.accept(result.getBody()));
            } catch (FlightRuntimeException e) {
                throw WireErrors.fromFlight(e, ErrorCode.NODE_UNAVAILABLE, "Requester " + address + ": ");
            }
        }

        /** The connection, opened by the first action: a job run polls its state, a job get fetches file after file. */
        private FlightClient client() {
            if (client == null) {
                NodeAddress requester;
                try {
                    requester = NodeAddress.parse(address);
                } catch (IllegalArgumentException e) {
                    throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Invalid --requester: " + e.getMessage());
                }
                allocator = new RootAllocator();
                try {
                    client = TlsTrust.client(allocator, requester, tls || tlsRoot != null ? new TlsTrust(tlsRoot) : null);
                } catch (RuntimeException e) {
                    allocator.close();
                    allocator = null;
                    throw e;
                }
            }
            return client;
        }

        @Override
        public void close() throws InterruptedException {
            if (client != null) {
                client.close();
                allocator.close();
            }
        }

        Job job(String id) {
            return WireJson.read(call(ClusterActions.JOB_LIST, id.getBytes(StandardCharsets.UTF_8)).get(0), Job.class);
        }
    }

    /** A job command: its work, on one connection to the requester that is closed when it is done. */
    abstract static class RequesterCommand implements Callable<Integer> {
        @Mixin
        Requester requester;

        @Override
        public final Integer call() throws Exception {
            try (Requester connected = requester) {
                return work();
            }
        }

        abstract int work() throws Exception;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run IMAGE on every node that holds shards of --table (its files at /inputs, read-only), or on "
                    + "every node with the --nodes labels; what the container writes to /outputs stays on the node, by CID. "
                    + "Waits for the end unless --detach; exit code 0 when every node's run completed.")
    static final class Run extends RequesterCommand {
        @Option(names = "--image", required = true, description = "The image, by name or ID; each node runs only images it lists.")
        String image;

        @Option(names = "--table", description = "The table whose shards the job reads.")
        String table;

        @Option(names = "--nodes", paramLabel = "LABEL=VALUE", description = "Run on the nodes with these labels (repeat it).")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--env", paramLabel = "NAME=VALUE",
                description = "A variable for the container (repeat it); VALUE secret:KEY is the node's secret KEY.")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = "--user", defaultValue = "${sys:user.name}", description = "Who runs the job, for the audit log (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--detach", description = "Print the job's ID and return at once.")
        boolean detach;

        @Parameters(paramLabel = "CMD", description = "The command and its arguments, after --.")
        List<String> command = new ArrayList<>();

        @Override
        int work() throws InterruptedException {
            if ((table == null) == labels.isEmpty()) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Say where the job runs: --table T or --nodes LABEL=VALUE");
            }
            Job job = WireJson.read(requester.call(ClusterActions.JOB_SUBMIT, WireJson.write(new JobSubmission(user,
                    new JobSpec(image, command, env, table, labels)))).get(0), Job.class);
            System.out.println("Job " + job.id() + " on " + String.join(", ", job.nodes()));
            if (detach) {
                return 0;
            }
            while (job.state().equals("QUEUED") || job.state().equals("RUNNING")) {
                Thread.sleep(200);
                job = requester.job(job.id());
            }
            for (JobExecution execution : job.executions()) {
                System.out.println(execution.node() + ": " + execution.state() + (execution.error() == null ? ""
                        : " (" + execution.error() + ")") + ", " + execution.outputs().size() + " outputs");
            }
            System.out.println(job.state());
            return job.state().equals("COMPLETED") ? 0 : 1;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every job: ID, state, image, created, nodes.")
    static final class ListJobs extends RequesterCommand {
        @Override
        int work() {
            for (byte[] body : requester.call(ClusterActions.JOB_LIST, new byte[0])) {
                Job job = WireJson.read(body, Job.class);
                System.out.println(String.join("  ", job.id(), job.state(), job.spec().image(), job.created().toString(),
                        String.join(",", job.nodes())));
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "A job whole, as JSON: what it runs, each node's execution and outputs (by CID), its history.")
    static final class Describe extends RequesterCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int work() throws IOException {
            System.out.println(new String(WireJson.writePretty(requester.job(id)), StandardCharsets.UTF_8));
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "The end of what the job's containers wrote, node by node.")
    static final class Logs extends RequesterCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int work() {
            for (JobExecution execution : requester.job(id).executions()) {
                System.out.println("== " + execution.node() + " (" + execution.state() + ")");
                System.out.print(execution.logs().endsWith("\n") || execution.logs().isEmpty() ? execution.logs()
                        : execution.logs() + "\n");
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Fetch a job's outputs into DIR/NODE/PATH, checking each file's CID; exit code 1 if one differs.")
    static final class Get extends RequesterCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "DIR")
        Path directory;

        @Override
        int work() throws IOException {
            Job job = requester.job(id);
            int wrong = 0;
            Path root = directory.toAbsolutePath().normalize();
            for (JobExecution execution : job.executions()) {
                Path nodeDirectory = root.resolve(execution.node()).normalize();
                for (JobExecution.JobOutput output : execution.outputs()) {
                    Path file = nodeDirectory.resolve(output.path()).normalize();
                    if (!nodeDirectory.startsWith(root) || nodeDirectory.equals(root) || !file.startsWith(nodeDirectory)) {
                        throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Output " + execution.node() + "/"
                                + output.path() + " would land outside " + root);
                    }
                    Files.createDirectories(file.getParent());
                    Path partial = file.resolveSibling(file.getFileName() + ".partial");
                    try (OutputStream out = Files.newOutputStream(partial)) {
                        requester.stream(ClusterActions.JOB_OUTPUT, WireJson.write(new JobOutputRequest(job.id(),
                                execution.node(), output.path())), piece -> {
                                    try {
                                        out.write(piece);
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                });
                    }
                    String cid = Cid.of(partial);
                    if (cid.equals(output.cid())) { // only a file whose bytes are the job's takes the output's name
                        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
                        System.out.println(execution.node() + "/" + output.path() + "  " + cid + "  " + Files.size(file));
                    } else {
                        Files.delete(partial);
                        wrong++;
                        System.out.println(execution.node() + "/" + output.path() + "  CID DIFFERS: got " + cid
                                + ", the job recorded " + output.cid() + "; not kept");
                    }
                }
            }
            return wrong == 0 ? 0 : 1;
        }
    }
}
