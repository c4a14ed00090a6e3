package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.fail;

import dev.codd.node.LocalCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random queries over random tables (NULLs, skew, uneven and empty shards) compared with DuckDB
 * alone over the same files. The seed is {@code -Dcodd.fuzz.seed} (a fixed one by default), the
 * number of queries {@code -Dcodd.fuzz.cases}. A failing query is written to
 * {@code target/fuzz-failures.txt} as a line for {@code src/test/resources/fuzz/regressions.txt},
 * which {@link FuzzRegressionTest} runs every time.
 */
class DifferentialFuzzTest {
    static final long DEFAULT_SEED = 20261204L;

    @Test
    void randomQueriesMatchDuckDbAlone(@TempDir Path root) throws Exception {
        long seed = Long.getLong("codd.fuzz.seed", DEFAULT_SEED);
        int cases = Integer.getInteger("codd.fuzz.cases", 300);
        List<String> failures = new ArrayList<>();
        try (FuzzCluster cluster = FuzzCluster.start(root, seed); Connection codd = cluster.connect()) {
            QueryGenerator generator = new QueryGenerator(seed);
            for (int i = 0; i < cases; i++) {
                String sql = generator.next();
                try {
                    QueryAssertions.assertSameResult(codd, cluster.oracle(), sql);
                } catch (AssertionError | Exception e) {
                    failures.add(seed + "\t" + sql + "\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
                }
            }
        }
        if (!failures.isEmpty()) {
            Path report = Path.of("target", "fuzz-failures.txt");
            Files.createDirectories(report.getParent());
            Files.write(report, failures, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            fail(failures.size() + " of " + cases + " random queries differ from DuckDB alone (seed " + seed
                    + "); see " + report.toAbsolutePath() + "\n" + String.join("\n", failures.subList(0,
                    Math.min(5, failures.size()))));
        }
    }

    /** A three-node cluster over {@link FuzzData} for one seed, with its oracle. */
    record FuzzCluster(LocalCluster cluster, Connection oracle) implements AutoCloseable {
        static FuzzCluster start(Path root, long seed) throws Exception {
            List<Path> nodes = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                nodes.add(Files.createDirectories(root.resolve("node" + i)));
            }
            FuzzData.write(seed, nodes);
            return new FuzzCluster(LocalCluster.start(nodes), TestCluster.oracleOver(nodes));
        }

        Connection connect() throws java.sql.SQLException {
            return DriverManager.getConnection(cluster.jdbcUrl());
        }

        @Override
        public void close() throws Exception {
            oracle.close();
            cluster.close();
        }
    }

    static List<String> regressions() throws IOException {
        try (var in = DifferentialFuzzTest.class.getResourceAsStream("/fuzz/regressions.txt")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .toList();
        }
    }
}
