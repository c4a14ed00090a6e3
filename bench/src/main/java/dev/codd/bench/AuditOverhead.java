package dev.codd.bench;

import dev.codd.node.FileTrees;
import dev.codd.node.LocalCluster;
import dev.codd.node.compute.AuditSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the audit log costs: throughput and latency of a trivial query through JDBC, with 1 and 32
 * clients, on a cluster that keeps audit logs and on the same cluster keeping none, both running
 * over the same files and measured in turns.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Trivial-query throughput with the audit log on and off, at 1 and 32 concurrent clients.")
final class AuditOverhead implements Callable<Integer> {
    private static final String QUERY = "SELECT count(*) FROM nation";

    @Option(names = "--seconds", defaultValue = "3", description = "How long each measurement runs (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rounds", defaultValue = "12",
            description = "Measurements of each setting, taken in turns; the report shows their median (default: "
                    + "${DEFAULT-VALUE}: many short pairs, as the machine's speed drifts).")
    int rounds;

    @Option(names = "--clients", defaultValue = "1,32", split = ",", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int[] clients;

    @Option(names = "--control",
            description = "Run the 'on' cluster without its log too: the cost then shown is the benchmark's own noise.")
    boolean control;

    @Option(names = "--audit-sync", paramLabel = "WHEN", defaultValue = "fragment",
            description = "When the nodes sync their records of fragments: fragment (before the first row leaves, the "
                    + "default) or interval (within about 0.1 s); the report of interval goes to audit-overhead-interval.md.")
    AuditSync auditSync;

    /** Which audit logs the measured cluster keeps. */
    enum Logs { ALL, REQUESTER, NODES }

    @Option(names = "--logs", paramLabel = "WHICH", defaultValue = "all",
            description = "Which logs the measured cluster keeps: all (the default), or only the requester's or only the nodes', "
                    + "to see what each side costs (reports audit-overhead-requester.md, audit-overhead-nodes.md).")
    Logs logs;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "bench-results", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where the clusters' data and audit logs go, in a directory made under DIR and removed after "
                    + "(default: the system's temporary directory). Much of the cost is the logs' fsyncs: put DIR on the "
                    + "storage the logs will use. The report is then named after its file system, e.g. audit-overhead-tmpfs.md.")
    Path dir;

    @Option(names = "--warmup", defaultValue = "90", paramLabel = "SECONDS",
            description = "How long each setting runs untimed first, in turns as measured, so that the JIT has compiled what "
                    + "both run and what going from one to the other runs: on two busy cores it still compiles after 60 s "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    /**
     * One measurement: queries per second, latencies in microseconds, and the machine's busy CPU time
     * per query in microseconds (-1 where the system does not say): steadier than queries per second
     * on a machine whose speed drifts, and on a saturated one the two tell the same. Context switches
     * per query show what waiting for an fsync costs beyond the fsync itself.
     */
    private record Run(double qps, long p50, long p99, double cpuPerQuery, double switchesPerQuery) {}

    @Override
    public Integer call() throws Exception {
        Benchmarks.requireAtLeast(spec, "--seconds", seconds, 1);
        Benchmarks.requireAtLeast(spec, "--rounds", rounds, 1);
        Benchmarks.requireAtLeast(spec, "--warmup", warmup, 0);
        for (int each : clients) {
            Benchmarks.requireAtLeast(spec, "--clients", each, 1);
        }
        if (control && auditSync != AuditSync.FRAGMENT) {
            throw new ParameterException(spec.commandLine(), "--control runs both clusters without logs: --audit-sync has nothing to set");
        }
        if (control && logs != Logs.ALL) {
            throw new ParameterException(spec.commandLine(), "--control runs both clusters without logs: --logs has nothing to choose");
        }
        if (logs == Logs.REQUESTER && auditSync != AuditSync.FRAGMENT) {
            throw new ParameterException(spec.commandLine(), "--logs requester keeps no node logs: --audit-sync has nothing to set");
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--dir " + dir + " is not a directory");
        }
        Path root = dir == null ? Files.createTempDirectory("codd-bench-audit") : Files.createTempDirectory(dir, "codd-bench-audit");
        String fileSystem;
        Run[][][] runs;
        try {
            fileSystem = Files.getFileStore(root).type();
            runs = measureInTurns(root);
        } finally {
            FileTrees.deleteOrWarn(root, "codd bench"); // the data and both clusters' logs: the report holds all that is kept
        }
        System.out.println();
        String setting = control ? "-control" : (auditSync == AuditSync.INTERVAL ? "-interval" : "")
                + (logs == Logs.ALL ? "" : "-" + logs.name().toLowerCase(Locale.ROOT));
        String storage = dir == null ? "" : "-" + fileSystem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
        Benchmarks.writeReport(out, "audit-overhead" + setting + storage + ".md",
                report(runs, fileSystem + " (" + root.getParent() + ")"));
        return 0;
    }

    /** Each setting's runs, by {@code [setting][clients][round]}; setting 0 keeps no log, 1 keeps them. */
    private Run[][][] measureInTurns(Path root) throws Exception {
        List<Path> nodes = List.of(root.resolve("node1"), root.resolve("node2"), root.resolve("node3"));
        TpchFiles.writeSharded(0.01, nodes);
        Run[][][] runs = new Run[2][clients.length][rounds];
        // both clusters at once, over the same files, measured in turns: they warm up alike
        try (LocalCluster off = LocalCluster.withLogs(nodes, false, false, AuditSync.FRAGMENT);
                LocalCluster on = LocalCluster.withLogs(nodes, !control && logs != Logs.NODES, !control && logs != Logs.REQUESTER,
                        auditSync)) {
            String[] urls = {off.jdbcUrl(), on.jdbcUrl()};
            // warm up as measured, in turns: the JIT compiles what going from one cluster to the other runs too
            for (int round = -warmupRounds(); round < rounds; round++) {
                for (int c = 0; c < clients.length; c++) {
                    for (int turn = 0; turn < 2; turn++) {
                        int setting = Math.floorMod(round + turn, 2); // each goes first in every other round
                        Run run = measure(urls[setting], clients[c], seconds);
                        if (round < 0) {
                            continue;
                        }
                        runs[setting][c][round] = run;
                        System.out.printf(Locale.ROOT, "round %d, audit %s, %d clients: %.0f queries/s%n", round + 1,
                                setting == 0 ? "off" : "on", clients[c], run.qps());
                    }
                }
            }
        }
        return runs;
    }

    /** Unmeasured rounds enough for {@link #warmup} seconds of each setting. */
    private int warmupRounds() {
        return (warmup + seconds * clients.length - 1) / (seconds * clients.length);
    }

    /** The report of {@code runs}, the clusters' data and logs having been on {@code storage}. */
    private String report(Run[][][] runs, String storage) {
        StringBuilder report = new StringBuilder();
        report.append(control ? "# Audit log overhead: control run\n\n**Neither cluster keeps a log** (`--control`): the "
                + "'cost' below is the benchmark's own noise.\n\n" : "# Audit log overhead\n\n")
                .append(control ? "" : whatIsLogged())
                .append(String.format(Locale.ROOT, "%s, %d cores, Java %s. `%s` through JDBC on a local cluster of three "
                        + "nodes (TPC-H SF 0.01), and on a second one like it that keeps no audit log, both up at once (nation is one shard, "
                        + "so each query is one fragment, on one node); after a warm-up of %d s each, in turns as measured, each figure "
                        + "is the median of %d runs of %d s, off and on in turns. The data and the logs are on %s.%n%n",
                        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                        Runtime.getRuntime().availableProcessors(), Runtime.version(), QUERY, warmupRounds() * seconds * clients.length,
                        rounds, seconds, storage))
                .append("| clients | queries/s, audit off | queries/s, audit on | cost | middle half of the rounds' costs "
                        + "| CPU per query off / on (µs) | context switches per query off / on | p50 off / on (ms) | p99 off / on (ms) |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (int c = 0; c < clients.length; c++) {
            Run off = median(runs[0][c]);
            Run on = median(runs[1][c]);
            double[] costs = pairedCosts(runs[0][c], runs[1][c]);
            report.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.1f%% | %.1f%% to %.1f%% | %.0f / %.0f | %.1f / %.1f "
                    + "| %.2f / %.2f | %.2f / %.2f |%n", clients[c], off.qps(), on.qps(), costs[costs.length / 2],
                    costs[costs.length / 4], costs[costs.length - 1 - costs.length / 4], median(runs[0][c], Run::cpuPerQuery),
                    median(runs[1][c], Run::cpuPerQuery), median(runs[0][c], Run::switchesPerQuery),
                    median(runs[1][c], Run::switchesPerQuery), off.p50() / 1000.0, on.p50() / 1000.0, off.p99() / 1000.0,
                    on.p99() / 1000.0));
        }
        report.append("\nThe cost is the median over the rounds of 1 - (on / off), each round's two measurements taken back to "
                + "back: the machine's speed drifts more between rounds than between two neighbouring runs. The middle half "
                + "of the rounds' costs lie in the range beside it: what one round says can be that far from the next.\n");
        return report.toString();
    }

    /** What the measured cluster logs, and how many of a query's records it waits for. */
    private String whatIsLogged() {
        boolean interval = auditSync == AuditSync.INTERVAL;
        return switch (logs) {
            case ALL -> interval
                    ? "Nodes sync their records of fragments within about 0.1 s (`--audit-sync interval`); the requester still syncs "
                            + "each query's before its first row reaches the client. A query writes five records, three on "
                            + "the requester and two on its node, and waits for one of them to reach the disk.\n\n"
                    : "Nodes sync each fragment's record before its first row leaves (`--audit-sync fragment`, the default). "
                            + "A query writes five records, three on the requester and two on its node, and waits for two "
                            + "of them to reach the disk.\n\n";
            case REQUESTER -> "**Only the requester keeps a log** (`--logs requester`): a query writes three records there and "
                    + "waits for one of them to reach the disk.\n\n";
            case NODES -> "**Only the nodes keep logs** (`--logs nodes`), syncing their records of fragments "
                    + (interval ? "within about 0.1 s (`--audit-sync interval`): a query writes two records, on its node, and "
                            + "waits for none of them.\n\n"
                            : "before the first row leaves: a query writes two records, on its node, and waits for one of them "
                                    + "to reach the disk.\n\n");
        };
    }

    private static Run median(Run[] rounds) {
        Run[] sorted = rounds.clone();
        Arrays.sort(sorted, (a, b) -> Double.compare(a.qps(), b.qps()));
        return sorted[sorted.length / 2];
    }

    /** Each round's cost in percent, lowest first: its two settings ran one after the other. */
    private static double[] pairedCosts(Run[] off, Run[] on) {
        double[] costs = new double[off.length];
        for (int round = 0; round < off.length; round++) {
            costs[round] = 100 * (1 - on[round].qps() / off[round].qps());
        }
        Arrays.sort(costs);
        return costs;
    }

    private static double median(Run[] rounds, ToDoubleFunction<Run> value) {
        return Arrays.stream(rounds).mapToDouble(value).sorted().toArray()[rounds.length / 2];
    }

    /** {@code clients} connections run the query back to back for {@code seconds}. */
    private static Run measure(String url, int clients, int seconds) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<List<Long>>> results = new ArrayList<>();
        MachineCpu.Counters machineBefore = MachineCpu.read();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            results.add(threads.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                try (Connection connection = DriverManager.getConnection(url)) {
                    do { // one query at least, should this thread start late on a busy machine
                        long before = System.nanoTime();
                        run(connection);
                        latencies.add((System.nanoTime() - before) / 1000);
                    } while (System.nanoTime() < end);
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        MachineCpu.Counters machineAfter = MachineCpu.read();
        threads.shutdown();
        all.sort(null);
        return new Run(all.size() / elapsed, all.get(all.size() / 2), all.get((int) (all.size() * 0.99)),
                machineAfter.perEvent(machineBefore, all.size(), MachineCpu.Counters::busyMicros),
                machineAfter.perEvent(machineBefore, all.size(), MachineCpu.Counters::contextSwitches));
    }

    private static void run(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(QUERY)) {
            if (!result.next() || result.getLong(1) != 25) {
                throw new IllegalStateException(QUERY + " did not count 25 nations");
            }
        }
    }
}
