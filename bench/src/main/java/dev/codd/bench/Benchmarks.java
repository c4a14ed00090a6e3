package dev.codd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** What every benchmark does alike: checking its counts, medians, one-number queries, and writing its report. */
final class Benchmarks {
    private Benchmarks() {}

    /** Refuses a count below what measures anything, as a usage error naming the option. */
    static void requireAtLeast(CommandSpec spec, String option, long value, long least) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + least + ", not " + value);
        }
    }

    /** The most rows whose sum of {@code x * 2 + 1} (x from 0), rows², fits a BIGINT. */
    private static final long MAX_SUMMED_ROWS = 3_037_000_499L;

    /** Refuses a --rows below {@code least}, or above what the sum of {@code x * 2 + 1} over them fits, as a usage error. */
    static void requireRows(CommandSpec spec, long rows, long least) {
        requireAtLeast(spec, "--rows", rows, least);
        if (rows > MAX_SUMMED_ROWS) {
            throw new ParameterException(spec.commandLine(), "--rows must be at most " + MAX_SUMMED_ROWS
                    + " (the sum of x * 2 + 1 over them, rows², must fit a BIGINT), not " + rows);
        }
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The first column of the first row of {@code sql}: a count or a sum. */
    static long firstLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** One query that returns a number every query measured with it must agree on. */
    @FunctionalInterface
    interface Query {
        long run() throws Exception;
    }

    /**
     * Runs each query {@code runs} times after two untimed runs, in turns, and returns how long each
     * run took, by query; every run must return {@code expected}.
     */
    static long[][] measure(List<Query> queries, long expected, int runs) throws Exception {
        long[][] nanos = new long[queries.size()][runs];
        for (int run = -2; run < runs; run++) {
            for (int q = 0; q < queries.size(); q++) {
                long start = System.nanoTime();
                long result = queries.get(q).run();
                long elapsed = System.nanoTime() - start;
                if (result != expected) {
                    throw new IllegalStateException("query " + (q + 1) + " gave " + result + ", not " + expected);
                }
                if (run >= 0) {
                    nanos[q][run] = elapsed;
                }
            }
        }
        return nanos;
    }

    /**
     * Writes {@code rows} BIGINTs {@code x} (0 to rows - 1) as the table {@code numbers} of three
     * nodes under {@code root}, a third on each, in Parquet; returns the nodes' data directories.
     */
    static List<Path> numbersOnThreeNodes(Path root, long rows) throws Exception {
        List<Path> nodes = List.of(root.resolve("node1"), root.resolve("node2"), root.resolve("node3"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < nodes.size(); i++) {
                Path table = Files.createDirectories(nodes.get(i).resolve("numbers"));
                statement.execute("COPY (SELECT range AS x FROM range(" + firstOnNode(rows, i) + ", "
                        + firstOnNode(rows, i + 1) + ")) TO '" + table.resolve("part.parquet") + "'");
            }
        }
        return nodes;
    }

    /** The Parquet files of {@link #numbersOnThreeNodes} under {@code root}, for DuckDB alone to read. */
    static String numbersFiles(Path root) {
        return root + "/node*/numbers/*.parquet";
    }

    /** Each of {@code sql}, run on {@code connection}, as a query that returns its first number. */
    static List<Query> queries(Connection connection, Collection<String> sql) {
        return sql.stream().map(query -> (Query) () -> firstLong(connection, query)).toList();
    }

    /** The first {@code x} on node {@code i} (0, 1, 2) of {@link #numbersOnThreeNodes}; 3 gives {@code rows}. */
    static long firstOnNode(long rows, int i) {
        return rows * i / 3;
    }

    /** A report's row: median, min–max and the median's ratio to {@code reference}, all in ms. */
    static String row(String name, long[] nanos, double reference) {
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f–%.0f | %.2f× |%n", name, median(nanos) / 1e6,
                Arrays.stream(nanos).min().orElse(0) / 1e6, Arrays.stream(nanos).max().orElse(0) / 1e6,
                median(nanos) / reference);
    }

    /** Prints the report and writes it to {@code out/name}; returns where. */
    static Path writeReport(Path out, String name, String report) throws IOException {
        System.out.println(report);
        Files.createDirectories(out);
        Path file = out.resolve(name);
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("Written to " + file.toAbsolutePath());
        return file;
    }
}
