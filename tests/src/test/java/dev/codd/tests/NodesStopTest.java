package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import dev.codd.node.compute.ComputeNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled or timed-out query stops the work on the node, not only at the requester: the node's
 * DuckDB is interrupted and its count of running fragments is back to 0 within a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodesStopTest {
    /** Billions of hashes, all on the one node that holds the table: the whole query is its fragment. */
    private static final String SLOW = "SELECT count(*) FROM readings a, readings b, readings c"
            + " WHERE hash(a.id + b.id + c.id) = 42";

    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        Path table = Files.createDirectories(root.resolve("node1").resolve("readings"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(3000)) TO '" + table.resolve("part.parquet") + "'");
        }
        cluster = LocalCluster.start(List.of(table.getParent()));
        codd = DriverManager.getConnection(cluster.jdbcUrl());
    }

    @AfterAll
    void stop() throws Exception {
        codd.close();
        cluster.close();
    }

    private ComputeNode node() {
        return cluster.nodes().get(0);
    }

    /** Waits until the node has started the fragment, so that stopping it is what is measured. */
    private void awaitRunning() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (node().runningFragments() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, node().runningFragments(), "the fragment never started");
    }

    /** The node's running fragments reach 0 within a second of {@code since}. */
    private void assertStoppedWithinASecond(long since) throws InterruptedException {
        while (node().runningFragments() > 0 && System.nanoTime() - since < Duration.ofSeconds(5).toNanos()) {
            Thread.sleep(5);
        }
        long stoppedAfter = (System.nanoTime() - since) / 1_000_000;
        assertEquals(0, node().runningFragments(), "the node still runs the fragment");
        assertTrue(stoppedAfter < 1000, "the node stopped " + stoppedAfter + " ms after");
    }

    @Test
    void cancelStopsTheFragmentOnTheNode() throws Exception {
        try (Statement statement = codd.createStatement()) {
            long[] cancelledAt = new long[1];
            Thread canceller = new Thread(() -> {
                try {
                    awaitRunning();
                    Thread.sleep(300);
                    cancelledAt[0] = System.nanoTime();
                    statement.cancel();
                } catch (Exception ignored) {
                    // the assertions below report a query that was not cancelled
                }
            });
            canceller.start();
            SQLException e = assertThrows(SQLException.class, () -> {
                try (ResultSet result = statement.executeQuery(SLOW + " AND a.id < 2900")) {
                    result.next();
                }
            });
            canceller.join();
            assertEquals("57014", e.getSQLState(), e.getMessage());
            assertStoppedWithinASecond(cancelledAt[0]);
        }
    }

    @Test
    void aTimeoutStopsTheFragmentOnTheNode() throws Exception {
        try (Statement statement = codd.createStatement()) {
            statement.setQueryTimeout(1);
            long start = System.nanoTime();
            assertThrows(SQLTimeoutException.class, () -> {
                try (ResultSet result = statement.executeQuery(SLOW + " AND a.id < 2800")) {
                    result.next();
                }
            });
            assertStoppedWithinASecond(start + Duration.ofSeconds(1).toNanos());
        }
        assertEquals(List.of(List.of(3000L)), QueryAssertions.numbers(codd, "SELECT count(*) FROM readings"));
    }
}
