package dev.codd.bench;

import dev.codd.node.FileTrees;
import dev.codd.node.tpch.TpchData;
import dev.codd.node.tpch.TpchQueries;
import java.io.IOException;
import java.math.BigDecimal;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Codd against DuckDB alone, side by side, in one run over the same Parquet files: the 22 TPC-H
 * queries through the JDBC driver on compute nodes started as separate processes, and on one DuckDB;
 * the latency of small queries; streaming a large result; how time and traffic scale with data and
 * nodes; the memory each process needed. Writes a Markdown report and a chart of the per-query ratios.
 */
@Command(name = "tpch", mixinStandardHelpOptions = true,
        description = "TPC-H on a cluster of processes against DuckDB alone on the same files, with a report and a chart.")
final class TpchBenchmark implements Callable<Integer> {
    /** Parts each split table is generated in: any node count that divides it lays them out evenly. */
    private static final int PARTS = 12;
    private static final String TRIVIAL = "SELECT count(*) FROM nation";
    private static final String SELECTIVE = "SELECT o_orderstatus, o_totalprice FROM orders WHERE o_orderkey = 4242";

    @Spec
    CommandSpec spec;

    @Option(names = "--sf", defaultValue = "1", description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(names = "--nodes", defaultValue = "3", description = "Compute nodes, each a process (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each query (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--out", defaultValue = "bench-results", description = "Where the report and chart go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", defaultValue = "${sys:user.home}/.codd/bench/tpch", paramLabel = "DIR",
            description = "Where generated data is kept and reused (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--latency-seconds", defaultValue = "10", description = "How long each latency measurement runs (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--stream-rows", defaultValue = "10000000", description = "Rows of the streamed table (default: ${DEFAULT-VALUE}).")
    long streamRows;

    @Option(names = "--scaling", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Also run SF/10, and 1, 2 and 4 nodes (default: ${DEFAULT-VALUE}).")
    boolean scaling;

    /** The timings of one query on both systems. */
    record QueryResult(int query, long[] coddNanos, long[] duckdbNanos, long rows, long bytesFromNodes, boolean sameResult) {
        double ratio() {
            return Benchmarks.median(coddNanos) / Benchmarks.median(duckdbNanos);
        }
    }

    /** Latency of one query at one concurrency. */
    record Latency(String system, String query, int clients, double qps, double p50Millis, double p99Millis) {}

    /** One row of the scaling table. */
    record Scale(double scaleFactor, int nodes, double seconds, long bytesFromNodes, double geometricMeanRatio) {}

    @Override
    public Integer call() throws Exception {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new ParameterException(spec.commandLine(), "--sf must be a number above 0, not " + scaleFactor);
        }
        Benchmarks.requireAtLeast(spec, "--nodes", nodes, 1);
        Benchmarks.requireAtLeast(spec, "--runs", runs, 1);
        Benchmarks.requireAtLeast(spec, "--latency-seconds", latencySeconds, 1);
        Benchmarks.requireAtLeast(spec, "--stream-rows", streamRows, 1);
        Path work = Files.createTempDirectory("codd-bench-tpch");
        List<Path> main = layout(scaleFactor, nodes);
        writeStreamTable(main);

        List<QueryResult> queries;
        List<Latency> latencies = new ArrayList<>();
        double[] streaming;
        Map<String, Long> memory;
        try (Connection duckdb = duckdbAlone(main);
                ProcessCluster cluster = ProcessCluster.start(work.resolve("main"), main, "lineitem",
                        Benchmarks.firstLong(duckdb, "SELECT count(*) FROM lineitem"));
                Connection codd = DriverManager.getConnection(cluster.jdbcUrl())) {
            queries = runQueries(codd, duckdb, runs);
            for (String query : List.of(TRIVIAL, SELECTIVE)) {
                for (int clients : new int[] {1, 16}) {
                    latencies.add(latency("Codd", cluster.jdbcUrl(), query, clients));
                }
                latencies.add(latency("DuckDB alone", null, query, 1, duckdb));
            }
            streaming = streaming(codd, duckdb, main);
            memory = cluster.peakMemory();
        }
        memory.put("this process (DuckDB alone, clients)", ProcessCluster.peakMemory(ProcessHandle.current().pid()));

        List<Scale> scales = new ArrayList<>();
        scales.add(scale(scaleFactor, nodes, queries));
        if (scaling) {
            int scalingRuns = Math.min(runs, 3);
            scales.add(0, scaleRun(scaleFactor / 10, nodes, scalingRuns, work));
            for (int n : new int[] {1, 2, 4}) {
                if (n != nodes) {
                    scales.add(scaleRun(scaleFactor, n, scalingRuns, work));
                }
            }
        }
        String report = BenchReport.tpch(scaleFactor, nodes, runs, queries, latencies, streaming, streamRows, scales,
                memory, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
        Benchmarks.writeReport(out, "tpch.md", report);
        BenchReport.ratioChart(queries, out.resolve("tpch-ratios.png"));
        if (queries.stream().allMatch(QueryResult::sameResult)) {
            FileTrees.deleteOrWarn(work, "codd bench"); // the processes' logs: kept when a run fails, to be read
            return 0;
        }
        System.out.println("Not every query returned DuckDB's rows; the processes' logs are in " + work);
        return 1;
    }

    // ---- data

    /** The node directories of {@code scale} over {@code count} nodes, generated once and then reused. */
    private List<Path> layout(double scale, int count) throws IOException {
        int parts = PARTS % count == 0 ? PARTS : PARTS * count;
        Path root = data.resolve(String.format(Locale.ROOT, "sf%s-p%d", BigDecimal.valueOf(scale).stripTrailingZeros()
                .toPlainString(), parts));
        Path generated = root.resolve("parts");
        if (!Files.exists(generated.resolve("_complete"))) {
            System.out.printf(Locale.ROOT, "Generating TPC-H SF %s in %d parts under %s ...%n", scale, parts, generated);
            long start = System.nanoTime();
            TpchData.writeParts(scale, parts, Files.createDirectories(generated));
            Files.writeString(generated.resolve("_complete"), "");
            System.out.printf(Locale.ROOT, "  done in %.0f s%n", (System.nanoTime() - start) / 1e9);
        }
        Path layout = root.resolve(count + "-nodes");
        List<Path> directories = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            directories.add(layout.resolve("node" + i));
        }
        if (!Files.exists(layout.resolve("_complete"))) {
            TpchData.layOut(generated, directories);
            Files.writeString(layout.resolve("_complete"), "");
        }
        return directories;
    }

    /** The table {@code wide}: {@code streamRows} rows of three columns, split over the nodes, for streaming. */
    private void writeStreamTable(List<Path> nodeDirectories) throws IOException, SQLException {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < nodeDirectories.size(); i++) {
                Path directory = nodeDirectories.get(i).resolve("wide");
                Path file = directory.resolve(String.format(Locale.ROOT, "wide-%d-%d.parquet", streamRows, i + 1));
                if (Files.exists(file)) {
                    continue;
                }
                try (var old = Files.exists(directory) ? Files.list(directory) : java.util.stream.Stream.<Path>empty()) {
                    for (Path stale : old.toList()) {
                        Files.delete(stale);
                    }
                }
                Files.createDirectories(directory);
                long from = streamRows * i / nodeDirectories.size();
                long to = streamRows * (i + 1) / nodeDirectories.size();
                statement.execute("COPY (SELECT range AS id, range * 0.25 AS amount, 'row ' || range AS label FROM range("
                        + from + ", " + to + ")) TO '" + file + "'");
            }
        }
    }

    /** One DuckDB with a view per table over the same Parquet files the nodes serve (nation and region once). */
    private static Connection duckdbAlone(List<Path> nodeDirectories) throws SQLException {
        Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Path first = nodeDirectories.get(0);
        String all = first.getParent() + "/node*/";
        try (Statement statement = duckdb.createStatement()) {
            for (String table : List.of("lineitem", "orders", "customer", "part", "partsupp", "supplier")) {
                statement.execute("CREATE VIEW " + table + " AS SELECT * FROM '" + all + table + "/*.parquet'");
            }
            for (String table : List.of("nation", "region")) {
                statement.execute("CREATE VIEW " + table + " AS SELECT * FROM '" + first.resolve(table) + "/*.parquet'");
            }
            if (Files.isDirectory(first.resolve("wide"))) { // only the main layout has it
                statement.execute("CREATE VIEW wide AS SELECT * FROM '" + all + "wide/*.parquet'");
            }
        } catch (SQLException e) {
            duckdb.close();
            throw e;
        }
        return duckdb;
    }

    // ---- TPC-H

    /** Each query once untimed on both, then {@code count} timed runs on each in turns. */
    private static List<QueryResult> runQueries(Connection codd, Connection duckdb, int count) throws SQLException {
        List<QueryResult> results = new ArrayList<>();
        for (int q = 1; q <= 22; q++) {
            String sql = TpchQueries.query(q);
            List<String> expected = rows(duckdb, sql);
            List<String> actual = rows(codd, sql);
            long[] coddNanos = new long[count];
            long[] duckdbNanos = new long[count];
            long bytes = 0;
            for (int run = 0; run < count; run++) {
                String marker = String.format(Locale.ROOT, "/* codd-bench q%d run %d %d */ ", q, run, System.nanoTime());
                long start = System.nanoTime();
                rows(codd, marker + sql);
                coddNanos[run] = System.nanoTime() - start;
                start = System.nanoTime();
                rows(duckdb, sql);
                duckdbNanos[run] = System.nanoTime() - start;
                bytes = bytesFromNodes(codd, marker);
            }
            QueryResult result = new QueryResult(q, coddNanos, duckdbNanos, actual.size(), bytes, expected.equals(actual));
            System.out.printf(Locale.ROOT, "Q%-2d Codd %7.1f ms  DuckDB %7.1f ms  %5.2fx  %s%n", q, Benchmarks.median(coddNanos) / 1e6,
                    Benchmarks.median(duckdbNanos) / 1e6, result.ratio(), result.sameResult() ? "" : "RESULTS DIFFER");
            results.add(result);
        }
        return results;
    }

    private static long bytesFromNodes(Connection codd, String marker) throws SQLException {
        try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery(
                "SELECT bytes_from_nodes FROM sys.queries WHERE starts_with(sql, '" + marker.replace("'", "''") + "')")) {
            return result.next() ? result.getLong(1) : -1;
        }
    }

    /** The rows of a query as text, numbers to 9 significant digits: what both systems must agree on. */
    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    row.append(value instanceof Number number
                            ? String.format(Locale.ROOT, "%.9g", number.doubleValue()) : String.valueOf(value)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    // ---- latency and streaming

    private Latency latency(String system, String url, String query, int clients) throws Exception {
        return latency(system, url, query, clients, null);
    }

    /** {@code clients} connections (or the one given) run {@code query} back to back for the latency time. */
    private Latency latency(String system, String url, String query, int clients, Connection shared) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                long seconds = pass == 0 ? Math.max(1, latencySeconds / 5) : latencySeconds;
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                List<Future<List<Long>>> futures = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < clients; i++) {
                    futures.add(threads.submit(() -> {
                        List<Long> nanos = new ArrayList<>();
                        try (Connection own = shared == null ? DriverManager.getConnection(url) : null) {
                            Connection connection = shared == null ? own : shared;
                            while (System.nanoTime() < end) {
                                long before = System.nanoTime();
                                rows(connection, query);
                                nanos.add(System.nanoTime() - before);
                            }
                        }
                        return nanos;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> future : futures) {
                    all.addAll(future.get());
                }
                if (pass == 1) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    all.sort(null);
                    Latency latency = new Latency(system, query, clients, all.size() / elapsed,
                            all.get(all.size() / 2) / 1e6, all.get((int) (all.size() * 0.99)) / 1e6);
                    System.out.printf(Locale.ROOT, "%s, %d clients, %s: p50 %.2f ms, p99 %.2f ms, %.0f queries/s%n", system,
                            clients, query, latency.p50Millis(), latency.p99Millis(), latency.qps());
                    return latency;
                }
            }
            throw new IllegalStateException("unreachable");
        } finally {
            threads.shutdown();
        }
    }

    /** Rows per second of {@code SELECT *} over the table {@code wide}, into a JDBC ResultSet: Codd, then DuckDB's driver. */
    private double[] streaming(Connection codd, Connection duckdb, List<Path> nodeDirectories) throws SQLException {
        double[] best = new double[2];
        Connection[] systems = {codd, duckdb};
        for (int run = 0; run < Math.min(runs, 3) + 1; run++) {
            for (int s = 0; s < 2; s++) {
                long start = System.nanoTime();
                long count = 0;
                long checksum = 0;
                try (Statement statement = systems[s].createStatement();
                        ResultSet result = statement.executeQuery("SELECT * FROM wide")) {
                    while (result.next()) {
                        checksum += result.getLong(1) + (long) result.getDouble(2) + result.getString(3).length();
                        count++;
                    }
                }
                if (count != streamRows) {
                    throw new IllegalStateException("streamed " + count + " rows, not " + streamRows + " (checksum " + checksum + ")");
                }
                double rowsPerSecond = count / ((System.nanoTime() - start) / 1e9);
                if (run > 0) { // the first run warms up
                    best[s] = Math.max(best[s], rowsPerSecond);
                }
            }
        }
        System.out.printf(Locale.ROOT, "Streaming: Codd %.0f rows/s, DuckDB JDBC %.0f rows/s%n", best[0], best[1]);
        return best;
    }

    // ---- scaling

    private static Scale scale(double scaleFactor, int nodes, List<QueryResult> queries) {
        double seconds = queries.stream().mapToDouble(q -> Benchmarks.median(q.coddNanos())).sum() / 1e9;
        long bytes = queries.stream().mapToLong(QueryResult::bytesFromNodes).sum();
        return new Scale(scaleFactor, nodes, seconds, bytes, geometricMean(queries));
    }

    private Scale scaleRun(double scale, int count, int scalingRuns, Path work) throws Exception {
        System.out.printf(Locale.ROOT, "Scaling: SF %s on %d nodes%n", scale, count);
        List<Path> directories = layout(scale, count);
        try (Connection duckdb = duckdbAlone(directories);
                ProcessCluster cluster = ProcessCluster.start(work.resolve("sf" + scale + "-" + count), directories,
                        "lineitem", Benchmarks.firstLong(duckdb, "SELECT count(*) FROM lineitem"));
                Connection codd = DriverManager.getConnection(cluster.jdbcUrl())) {
            return scale(scale, count, runQueries(codd, duckdb, scalingRuns));
        }
    }

    static double geometricMean(List<QueryResult> queries) {
        return Math.exp(queries.stream().mapToDouble(q -> Math.log(q.ratio())).average().orElse(0));
    }
}
