package dev.codd.bench;

import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.node.FileTrees;
import dev.codd.node.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a docker_map costs: the rows of a table sharded on three nodes streamed through {@code cat}
 * in each format, and through {@code awk} computing {@code x * 2 + 1}, against the same sum in SQL
 * and in DuckDB alone; and what a container costs however few rows it gets.
 */
@Command(name = "docker", mixinStandardHelpOptions = true,
        description = "docker_map through cat and awk against the same sum in SQL, over a table on three nodes.")
final class DockerMapOverhead implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each query, in turns (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--image", defaultValue = "codd-bench/busybox:1", description = "An image with cat and awk; the "
            + "default is imported from /bin/busybox (package busybox-static) when the engine lacks it (default: ${DEFAULT-VALUE}).")
    String image;

    @Option(names = "--docker-host", paramLabel = "URL", defaultValue = "${env:DOCKER_HOST:-" + DockerSettings.DEFAULT_HOST + "}",
            description = "The Docker engine (default: $DOCKER_HOST or " + DockerSettings.DEFAULT_HOST + ").")
    String dockerHost;

    @Option(names = "--out", defaultValue = "bench-results", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Benchmarks.requireRows(spec, rows, 3); // a row on each node
        Benchmarks.requireAtLeast(spec, "--runs", runs, 1);
        if (image.equals(spec.findOption("--image").defaultValue())) {
            BusyboxImage.ensure(dockerHost, image);
        }
        Path root = Files.createTempDirectory("codd-bench-docker");
        try {
            return run(root);
        } finally {
            FileTrees.deleteOrWarn(root, "codd bench"); // the data: the report holds all that is kept
        }
    }

    private Integer run(Path root) throws Exception {
        List<Path> nodes = Benchmarks.numbersOnThreeNodes(root, rows);
        Map<String, String> streamed = new LinkedHashMap<>();
        streamed.put("SQL: `sum(x * 2 + 1)`", "SELECT sum(x * 2 + 1) FROM numbers");
        for (String format : List.of("csv", "jsonl", "arrow")) {
            streamed.put("docker_map `cat`, " + format + ", then `sum(x * 2 + 1)`",
                    "SELECT sum(x * 2 + 1) FROM " + dockerMap("ARRAY['cat']", "TABLE(SELECT x FROM numbers)", "x BIGINT", format));
        }
        streamed.put("docker_map `awk` computes `x * 2 + 1`, csv, then `sum`", "SELECT sum(y) FROM " + dockerMap(
                "ARRAY['awk', '-F,', 'NR == 1 { print \"y\"; next } { print $1 * 2 + 1 }']", "TABLE(SELECT x FROM numbers)",
                "y BIGINT", "csv"));
        // the first row of each node's shard: what a container costs before its rows do
        String firsts = "x IN (" + Benchmarks.firstOnNode(rows, 0) + ", " + Benchmarks.firstOnNode(rows, 1) + ", "
                + Benchmarks.firstOnNode(rows, 2) + ")";
        Map<String, String> fixed = new LinkedHashMap<>();
        fixed.put("SQL", "SELECT sum(x * 2 + 1) FROM numbers WHERE " + firsts);
        fixed.put("docker_map `cat`, csv", "SELECT sum(x * 2 + 1) FROM " + dockerMap("ARRAY['cat']",
                "TABLE(SELECT x FROM numbers WHERE " + firsts + ")", "x BIGINT", "csv"));
        long firstsSum = 0;
        for (int i = 0; i < 3; i++) {
            firstsSum += 2 * Benchmarks.firstOnNode(rows, i) + 1;
        }

        // rows stream for longer than the default limit of 60 s when there are many
        DockerSettings docker = DockerSettings.defaults(List.of(image)).withHost(dockerHost).withTimeout(Duration.ofHours(1));
        long[][] streamedNanos;
        long[][] fixedNanos;
        try (LocalCluster codd = LocalCluster.withDocker(nodes, docker, Secrets.NONE);
                Connection connection = DriverManager.getConnection(codd.jdbcUrl())) {
            streamedNanos = Benchmarks.measure(Benchmarks.queries(connection, streamed.values()), rows * rows, runs);
            fixedNanos = Benchmarks.measure(Benchmarks.queries(connection, fixed.values()), firstsSum, runs);
        }
        long[] aloneNanos;
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            aloneNanos = Benchmarks.measure(List.of(() -> Benchmarks.firstLong(duckdb,
                    "SELECT sum(x * 2 + 1) FROM '" + Benchmarks.numbersFiles(root) + "'")), rows * rows, runs)[0];
        }
        Benchmarks.writeReport(out, "docker-overhead.md", report(streamed, streamedNanos, aloneNanos, fixed, fixedNanos));
        return 0;
    }

    private String dockerMap(String command, String input, String outputSchema, String format) {
        return "TABLE(docker_map(image => '" + image + "', command => " + command + ", input => " + input
                + ", output_schema => '" + outputSchema + "', format => '" + format + "'))";
    }

    private String report(Map<String, String> streamed, long[][] streamedNanos, long[] alone, Map<String, String> fixed,
            long[][] fixedNanos) {
        double duckdb = Benchmarks.median(alone);
        StringBuilder report = new StringBuilder("# docker_map overhead\n\n");
        report.append(String.format(Locale.ROOT, "%s, %d cores, Java %s, image `%s`. %,d BIGINTs in Parquet, sharded over "
                        + "three nodes of a local cluster and queried through JDBC; each node streams its shard through "
                        + "a container of its own. Each figure is the median of %d runs after two untimed ones, the queries "
                        + "in turns.%n%n",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), image, rows, runs));
        report.append("| query | median ms | min–max ms | ratio to DuckDB alone | M rows/s |\n|---|---|---|---|---|\n");
        String[] names = streamed.keySet().toArray(String[]::new);
        for (int q = 0; q < names.length; q++) {
            report.append(withRate(Benchmarks.row(names[q], streamedNanos[q], duckdb), streamedNanos[q]));
        }
        report.append(withRate(Benchmarks.row("DuckDB alone, SQL, same files", alone, duckdb), alone));
        report.append("\nWhat a container costs however few rows it gets: one row on each node.\n\n")
                .append("| query | median ms | min–max ms | ratio to SQL |\n|---|---|---|---|\n");
        String[] fixedNames = fixed.keySet().toArray(String[]::new);
        for (int q = 0; q < fixedNames.length; q++) {
            report.append(Benchmarks.row(fixedNames[q], fixedNanos[q], Benchmarks.median(fixedNanos[0])));
        }
        return report.toString();
    }

    /** A row of the first table, with the rows per second at its median. */
    private String withRate(String row, long[] nanos) {
        return row.stripTrailing() + String.format(Locale.ROOT, " %.1f |%n", rows / (Benchmarks.median(nanos) / 1e9) / 1e6);
    }
}
