package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codd.node.LocalCluster;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.SignedHeads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pieces as separate processes, started as a user starts them ({@code codd serve ...}); a
 * compute node killed with SIGKILL, another frozen with SIGSTOP: queries that need them fail within
 * seconds with their names, and work again when they come back.
 */
class ProcessClusterTest {
    private static final String CLI = "dev.codd.node.cli.CoddCommand";
    private final List<JavaProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (JavaProcess process : processes) {
            process.close();
        }
    }

    private JavaProcess start(String... args) throws Exception {
        JavaProcess process = JavaProcess.start(List.of("-Xmx512m"), CLI, args);
        processes.add(process);
        return process;
    }

    private JavaProcess startNode(Path data, String name, int requesterPort) throws Exception {
        JavaProcess node = start("serve", "compute", "--data", data.toString(), "--join", "127.0.0.1:" + requesterPort,
                "--name", name);
        node.await("Codd compute node " + name, Duration.ofSeconds(60));
        return node;
    }

    @Test
    void separateProcessesFormACluster(@TempDir Path root) throws Exception {
        List<Path> data = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Path directory = Files.createDirectories(root.resolve("node" + (i + 1)).resolve("readings"));
                statement.execute("COPY (SELECT range AS id, " + i + " AS site, range % 10 AS value FROM range("
                        + i * 1000 + ", " + (i + 1) * 1000 + ")) TO '" + directory.resolve("part.parquet") + "' (FORMAT parquet)");
                data.add(directory.getParent());
            }
        }
        int port = JavaProcess.freePort();
        start("serve", "requester", "--port", Integer.toString(port), "--down-after", "2", "--audit",
                root.resolve("requester-audit").toString())
                .await("Codd requester listening: jdbc:codd://127.0.0.1:" + port, Duration.ofSeconds(60));
        List<JavaProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(startNode(data.get(i), "node" + (i + 1), port));
        }

        String url = "jdbc:codd://127.0.0.1:" + port;
        String sql = "SELECT site, count(*) AS n, sum(value) AS total FROM readings GROUP BY site ORDER BY site";
        List<List<Object>> expected = List.of(List.of(0L, 1000L, new java.math.BigDecimal(4500)),
                List.of(1L, 1000L, new java.math.BigDecimal(4500)), List.of(2L, 1000L, new java.math.BigDecimal(4500)));
        try (Connection codd = DriverManager.getConnection(url)) {
            QueryAssertions.awaitRows(codd, sql, expected);

            // SIGKILL while node2 serves queries: its audit log survives whole and goes on after a restart
            AtomicBoolean querying = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                try (Connection other = DriverManager.getConnection(url)) {
                    while (querying.get()) {
                        try {
                            QueryAssertions.rows(other, sql);
                        } catch (SQLException expectedWhileNode2IsDown) {
                            // node2 is down for a moment
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            load.start();
            Thread.sleep(1500);
            nodes.get(1).kill();
            querying.set(false);
            load.join();
            SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql)));
            assertTrue(e.getMessage().contains("node2"), e.getMessage());
            assertTrue(e.getSQLState().startsWith("5"), e.getSQLState() + " " + e.getMessage());

            Path node2Audit = LocalCluster.nodeAuditDirectory(data.get(1));
            long beforeRestart = AuditVerifier.verify(node2Audit).lastSeq();
            startNode(data.get(1), "node2", port);
            QueryAssertions.awaitRows(codd, sql, expected);
            AuditVerifier.Report afterRestart = AuditVerifier.verify(node2Audit,
                    SignedHeads.verified(root.resolve("requester-audit"), "node2").heads());
            assertTrue(afterRestart.ok(), afterRestart.toString());
            assertTrue(afterRestart.lastSeq() > beforeRestart + 1, "the node goes on appending: " + afterRestart);

            nodes.get(0).close(); // SIGTERM: the node says goodbye, but its data is still part of the table
            SQLException gone = assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql));
            assertEquals("57P03", gone.getSQLState(), gone.getMessage());
            assertTrue(gone.getMessage().contains("of table readings"), gone.getMessage());
            startNode(data.get(0), "node1", port);
            QueryAssertions.awaitRows(codd, sql, expected);
            // what the requester recorded of its nodes; a node slow to beat on 2 busy cores may add a down and an up
            Map<String, List<String>> events = nodeEvents(root.resolve("requester-audit"));
            assertEquals(Set.of("node1", "node2", "node3"), events.keySet(), events.toString());
            events.values().forEach(each -> assertEquals("node.up", each.get(0), events.toString()));
            assertTrue(inOrder(events.get("node2"), "node.down", "node.up"), "killed, then back: " + events);
            assertTrue(inOrder(events.get("node1"), "node.left", "node.up"), "stopped, then back: " + events);

            JavaProcess frozen = nodes.get(2);
            frozen.signal("STOP");
            try {
                SQLException hung = assertTimeoutPreemptively(Duration.ofSeconds(20),
                        () -> assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql)));
                assertTrue(hung.getMessage().contains("node3"), hung.getMessage());
            } finally {
                frozen.signal("CONT");
            }
            QueryAssertions.awaitRows(codd, sql, expected);
        }
    }

    /** The requester's records of each node joining, leaving and going down, in order. */
    private static Map<String, List<String>> nodeEvents(Path requesterAudit) throws Exception {
        Map<String, List<String>> events = new TreeMap<>();
        for (JsonNode record : AuditRecords.read(requesterAudit)) {
            String type = record.path("type").asText();
            if (List.of("node.up", "node.left", "node.down").contains(type)) {
                events.computeIfAbsent(record.path("data").path("node").asText(), node -> new ArrayList<>()).add(type);
            }
        }
        return events;
    }

    /** Whether {@code expected} occur in {@code events} in this order, with others between them or not. */
    private static boolean inOrder(List<String> events, String... expected) {
        int next = 0;
        for (String event : events) {
            if (next < expected.length && event.equals(expected[next])) {
                next++;
            }
        }
        return next == expected.length;
    }
}
