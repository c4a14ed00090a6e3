package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codd.node.LocalCluster;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.RequesterHeads;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.compute.AuditSync;
import dev.codd.node.compute.ComputeNode;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query shape leaves the records it should, on the requester and on exactly the nodes that
 * ran its fragments: a query that runs, one that does not parse, one a node fails, one cancelled,
 * one timed out, and a request a node refuses. The logs verify, a node's against the heads it
 * signed, and no password lands anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditTest {
    private static final String PASSWORD = "hunter2-never-logged";

    private Path root;
    private final List<Path> nodes = new ArrayList<>();
    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        this.root = root;
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Path table = Files.createDirectories(root.resolve("node" + (i + 1)).resolve("readings"));
                statement.execute("COPY (SELECT range AS id, " + i + " AS site, (range % 10)::INTEGER AS value, 'r' || range AS label"
                        + " FROM range(" + i * 1000 + ", " + (i + 1) * 1000 + ")) TO '" + table.resolve("part.parquet") + "'");
                nodes.add(table.getParent());
            }
        }
        cluster = LocalCluster.start(nodes);
        Properties properties = new Properties();
        properties.setProperty("user", "ada");
        properties.setProperty("password", PASSWORD);
        properties.setProperty("applicationName", "monthly report");
        codd = DriverManager.getConnection(cluster.jdbcUrl(), properties);
    }

    @AfterAll
    void stop() throws Exception {
        codd.close();
        cluster.close();
    }

    private Path requesterLog() {
        return LocalCluster.requesterAuditDirectory(nodes);
    }

    private Path nodeLog(int node) {
        return LocalCluster.nodeAuditDirectory(nodes.get(node - 1));
    }

    private static List<JsonNode> records(Path log) throws Exception {
        return AuditRecords.read(log);
    }

    /** The records of {@code type} in {@code log} about query {@code id}, waiting a little for those still being written. */
    private static List<JsonNode> awaitRecords(Path log, String type, String id, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonNode> found;
        do {
            found = records(log).stream()
                    .filter(r -> r.path("type").asText().equals(type) && r.path("data").path("query").asText().equals(id))
                    .toList();
            if (found.size() >= atLeast) {
                return found;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return found;
    }

    /** The id the requester gave the query with this exact text (the latest). */
    private String queryId(String sql) throws Exception {
        List<JsonNode> accepted = records(requesterLog()).stream()
                .filter(r -> r.path("type").asText().equals("query.accepted") && r.path("data").path("sql").asText().equals(sql))
                .toList();
        assertFalse(accepted.isEmpty(), "no query.accepted for " + sql);
        return accepted.get(accepted.size() - 1).path("data").path("query").asText();
    }

    private JsonNode ended(String id) throws Exception {
        List<JsonNode> ended = awaitRecords(requesterLog(), "query.ended", id, 1);
        assertEquals(1, ended.size(), "query " + id + " ends once");
        return ended.get(0).path("data");
    }

    /**
     * Only the nodes query.planned names record anything of the query, and each records the end of
     * every fragment it started; with {@code allStarted}, every fragment planned started (a query
     * stopped early may be stopped before some reach their node).
     */
    private void assertRecordedOnlyWhereItRan(String id, boolean allStarted) throws Exception {
        Map<String, Integer> fragments = new HashMap<>();
        for (JsonNode planned : awaitRecords(requesterLog(), "query.planned", id, allStarted ? 1 : 0)) {
            planned.path("data").path("fragments").forEach(f -> fragments.merge(f.path("node").asText(), 1, Integer::sum));
        }
        assertTrue(!allStarted || !fragments.isEmpty(), "query " + id + " was planned with fragments");
        for (int node = 1; node <= 3; node++) {
            int given = fragments.getOrDefault("node" + node, 0);
            if (given == 0) {
                assertTrue(records(nodeLog(node)).stream().noneMatch(r -> r.path("data").path("query").asText().equals(id)),
                        "node" + node + " ran nothing of query " + id + " and records nothing of it");
                continue;
            }
            int started = awaitRecords(nodeLog(node), "fragment.started", id, allStarted ? given : 0).size();
            assertTrue(allStarted ? started == given : started <= given, "node" + node + " started " + started + " of " + given);
            assertEquals(started, awaitRecords(nodeLog(node), "fragment.ended", id, started).size(),
                    "node" + node + " records the end of each fragment it started");
        }
    }

    @Test
    void aQueryIsRecordedOnTheRequesterAndOnTheNodesThatRanIt() throws Exception {
        String sql = "SELECT site, count(*) AS n FROM readings WHERE id < 1500 GROUP BY site ORDER BY site";
        assertEquals(List.of(List.of(0L, 1000L), List.of(1L, 500L)), QueryAssertions.rows(codd, sql));
        String id = queryId(sql);

        JsonNode accepted = awaitRecords(requesterLog(), "query.accepted", id, 1).get(0).path("data");
        assertEquals("ada", accepted.path("user").asText());
        assertEquals("monthly report", accepted.path("application").asText());
        assertTrue(accepted.path("driver").asText().startsWith("Codd JDBC"), accepted.toString());
        assertTrue(accepted.path("client").asText().startsWith("127.0.0.1:"), accepted.toString());

        JsonNode planned = awaitRecords(requesterLog(), "query.planned", id, 1).get(0).path("data");
        List<String> plannedNodes = new ArrayList<>();
        planned.path("fragments").forEach(f -> plannedNodes.add(f.path("node").asText()));
        assertEquals(List.of("node1", "node2"), plannedNodes.stream().sorted().toList());
        assertEquals(1, planned.path("pruned").path("readings").size(), "node3's shard is pruned: " + planned);

        JsonNode ended = ended(id);
        assertEquals("FINISHED", ended.path("status").asText());
        assertEquals(2, ended.path("rows").asLong());
        assertEquals(2, ended.path("nodes").size());

        for (int node : new int[] {1, 2}) {
            JsonNode started = awaitRecords(nodeLog(node), "fragment.started", id, 1).get(0).path("data");
            assertEquals("ada", started.path("user").asText());
            assertTrue(started.path("sql").asText().contains("\"readings\""), started.toString());
            assertEquals(1, started.path("shards").path("readings").size());
            assertTrue(started.path("requester").asText().startsWith("127.0.0.1:"), started.toString());
            JsonNode fragmentEnded = awaitRecords(nodeLog(node), "fragment.ended", id, 1).get(0).path("data");
            assertEquals("FINISHED", fragmentEnded.path("status").asText());
            assertEquals(1, fragmentEnded.path("rows").asLong());
        }
        assertRecordedOnlyWhereItRan(id, true);
    }

    @Test
    void aQueryThatDoesNotParseEndsBeforeAnyNodeHearsOfIt() throws Exception {
        String sql = "SELEC site FROM readings";
        SQLException e = assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql));
        assertEquals("42000", e.getSQLState());
        String id = queryId(sql);
        JsonNode ended = ended(id);
        assertEquals("FAILED", ended.path("status").asText());
        assertTrue(ended.path("error").asText().startsWith("42000: "), ended.toString());
        assertTrue(awaitRecords(requesterLog(), "query.planned", id, 0).isEmpty());
        for (int node = 1; node <= 3; node++) {
            int n = node;
            assertTrue(records(nodeLog(n)).stream().noneMatch(r -> r.path("data").path("query").asText().equals(id)));
        }
    }

    @Test
    void aQueryTooLargeToRecordWholeIsRefusedAndRecordedWithItsTextByItsHash() throws Exception {
        String sql = "SELECT count(*) FROM readings WHERE label <> '" + "x".repeat(9 << 20) + "'";
        SQLException e = assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql));
        assertEquals("54000", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("over the audit log's limit of 8 MiB"), e.getMessage());
        String sha256 = AuditLog.sha256(new ObjectMapper().writeValueAsString(sql));
        List<JsonNode> accepted = records(requesterLog()).stream()
                .filter(r -> r.path("data").path("sql").path("elided").path("sha256").asText().equals(sha256))
                .toList();
        assertEquals(1, accepted.size(), "the query is recorded, its text by its hash");
        JsonNode data = accepted.get(0).path("data");
        assertEquals("ada", data.path("user").asText(), "who asked is kept whole");
        String id = data.path("query").asText();
        assertEquals("FAILED", ended(id).path("status").asText());
        assertTrue(ended(id).path("error").asText().startsWith("54000: "), ended(id).toString());
        assertTrue(awaitRecords(requesterLog(), "query.planned", id, 0).isEmpty());
        for (int node = 1; node <= 3; node++) {
            int n = node;
            assertTrue(records(nodeLog(n)).stream().noneMatch(r -> r.path("data").path("query").asText().equals(id)));
        }
    }

    @Test
    void aQueryANodeFailsIsRecordedAsFailedThereAndAtTheRequester() throws Exception {
        String sql = "SELECT CAST(label AS INTEGER) FROM readings WHERE id >= 2000";
        SQLException e = assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql));
        assertEquals("22018", e.getSQLState());
        String id = queryId(sql);
        assertEquals("FAILED", ended(id).path("status").asText());
        assertTrue(ended(id).path("error").asText().startsWith("22018: "), ended(id).toString());
        JsonNode fragment = awaitRecords(nodeLog(3), "fragment.ended", id, 1).get(0).path("data");
        assertEquals("FAILED", fragment.path("status").asText());
        assertTrue(fragment.path("error").asText().startsWith("22018: "), fragment.toString());
        assertRecordedOnlyWhereItRan(id, true); // node3 alone: the others' shards are pruned
    }

    /** Long enough to be stopped: billions of hashes at the requester, which no statistics can skip. */
    private static final String SLOW = "SELECT count(*) FROM readings a, readings b, readings c WHERE hash(a.id + b.id + c.id) = 42";

    @Test
    void aCancelledQueryIsRecordedAsCancelled() throws Exception {
        String sql = SLOW + " AND a.site = 0";
        try (Statement statement = codd.createStatement()) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(700);
                    statement.cancel();
                } catch (Exception ignored) {
                    // the assertion below reports a query that was not cancelled
                }
            });
            canceller.start();
            SQLException e = assertThrows(SQLException.class, () -> {
                try (ResultSet result = statement.executeQuery(sql)) {
                    result.next();
                }
            });
            canceller.join();
            assertEquals("57014", e.getSQLState(), e.getMessage());
        }
        assertEquals("CANCELLED", ended(queryId(sql)).path("status").asText());
        assertRecordedOnlyWhereItRan(queryId(sql), false);
    }

    @Test
    void aQueryThatRunsOutOfTimeIsStoppedAndRecordedAsTimedOut() throws Exception {
        String sql = SLOW + " AND a.site = 1";
        try (Statement statement = codd.createStatement()) {
            statement.setQueryTimeout(1);
            long start = System.nanoTime();
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> {
                try (ResultSet result = statement.executeQuery(sql)) {
                    result.next();
                }
            });
            assertEquals("HYT00", e.getSQLState());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "stopped near its limit");
        }
        JsonNode ended = ended(queryId(sql));
        assertEquals("TIMED_OUT", ended.path("status").asText());
        assertTrue(ended.path("error").asText().startsWith("HYT00: "), ended.toString());
        assertRecordedOnlyWhereItRan(queryId(sql), false);
    }

    /** Sends node2 a fragment ticket of these bytes, which it must refuse. */
    private void sendRefused(byte[] ticket) throws Exception {
        ComputeNode node = cluster.nodes().get(1);
        try (RootAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(node.address().host(), node.address().port())).build()) {
            assertThrows(FlightRuntimeException.class, () -> {
                try (FlightStream stream = client.getStream(new Ticket(ticket))) {
                    stream.next();
                }
            });
        }
    }

    @Test
    void aRefusedRequestIsRecordedByTheNode() throws Exception {
        sendRefused(WireJson.write(new FragmentTicket("q-refused", "mallory",
                "SELECT * FROM read_csv('/etc/passwd')", Map.of(), List.of(), 0, List.of())));
        JsonNode refused = awaitRecords(nodeLog(2), "fragment.refused", "q-refused", 1).get(0).path("data");
        assertEquals("mallory", refused.path("user").asText());
        assertTrue(refused.path("error").asText().startsWith("42501: "), refused.toString());
        assertTrue(awaitRecords(nodeLog(2), "fragment.started", "q-refused", 0).isEmpty(), "a refused fragment does not run");

        sendRefused(WireJson.write(new FragmentTicket("q-unknown-shard", "mallory", "SELECT * FROM readings",
                Map.of("readings", List.of("bafy-not-here")), List.of(), 0, List.of())));
        JsonNode unknown = awaitRecords(nodeLog(2), "fragment.refused", "q-unknown-shard", 1).get(0).path("data");
        assertTrue(unknown.path("error").asText().startsWith("42501: ")
                && unknown.path("error").asText().contains("bafy-not-here"), unknown.toString());

        long malformedBefore = malformedRefusals();
        sendRefused("{\"queryId\": 42, \"sql\":".getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (malformedRefusals() == malformedBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(malformedBefore + 1, malformedRefusals(), "a ticket that is not one is recorded too");
    }

    /** node2's records of refused tickets that were not tickets at all. */
    private long malformedRefusals() throws Exception {
        return records(nodeLog(2)).stream().filter(r -> r.path("type").asText().equals("fragment.refused")
                && r.path("data").path("query").isNull()
                && r.path("data").path("error").asText().startsWith("22023: Malformed FragmentTicket")).count();
    }

    @Test
    void theLogsAreTablesOfSchemaSys() throws Exception {
        String sql = "SELECT site FROM readings WHERE id = 2500";
        QueryAssertions.rows(codd, sql);
        List<List<Object>> accepted = QueryAssertions.rows(codd, "SELECT node, json_extract_string(data, '$.user') AS who"
                + " FROM sys.audit WHERE type = 'query.accepted' AND json_extract_string(data, '$.sql') = '" + sql + "'");
        assertEquals(List.of(List.of("requester", "ada")), accepted);
        List<List<Object>> chain = QueryAssertions.rows(codd, "SELECT count(*) = max(seq) - min(seq) + 1 FROM sys.audit");
        assertEquals(List.of(List.of(true)), chain, "sys.audit has every record of the log");

        String id = queryId(sql);
        List<List<Object>> fragments = QueryAssertions.rows(codd, "SELECT node, json_extract_string(data, '$.user')"
                + " FROM sys.node_audit WHERE type = 'fragment.started' AND json_extract_string(data, '$.query') = '" + id + "'");
        assertEquals(List.of(List.of("node3", "ada")), fragments, "only node3 held id 2500");
        String read = "SELECT count(*) FROM sys.node_audit";
        QueryAssertions.rows(codd, read);
        String readId = queryId(read);
        for (int node = 1; node <= 3; node++) {
            JsonNode started = awaitRecords(nodeLog(node), "fragment.started", readId, 1).get(0).path("data");
            assertTrue(started.path("sql").asText().contains("_node_audit"), "reading a node's log is audited there too");
        }
    }

    @Test
    void aNodeThatIsDownIsNamedAndTheOtherNodesLogsStillRead(@TempDir Path root) throws Exception {
        List<Path> data = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            data.add(Files.createDirectories(root.resolve("node" + i)));
        }
        try (LocalCluster twoNodes = LocalCluster.start(data);
                Connection connection = DriverManager.getConnection(twoNodes.jdbcUrl())) {
            String nodes = "SELECT DISTINCT node FROM sys.node_audit ORDER BY node";
            assertEquals(List.of(List.of("node1"), List.of("node2")), QueryAssertions.rows(connection, nodes));
            twoNodes.nodes().get(1).close(); // node2 leaves: its log stays where it is, out of reach
            SQLException down = assertThrows(SQLException.class, () -> QueryAssertions.rows(connection, nodes));
            assertEquals("57P03", down.getSQLState(), down.getMessage());
            assertTrue(down.getMessage().contains("audit-node2"), down.getMessage());
            assertEquals(List.of(List.of("node1")), QueryAssertions.rows(connection,
                    "SELECT DISTINCT node FROM sys.node_audit WHERE node <> 'node2'"), "node2's log is left out, not waited for");
        }
    }

    @Test
    void aNodeSyncingOnTheIntervalWritesAFragmentsRecordBeforeItsRowsLeaveAndSaysSo(@TempDir Path root) throws Exception {
        Path node = Files.createDirectories(root.resolve("node1").resolve("readings")).getParent();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(100)) TO '" + node.resolve("readings").resolve("part.parquet") + "'");
        }
        try (LocalCluster intervalCluster = LocalCluster.start(List.of(node), AuditSync.INTERVAL);
                Connection connection = DriverManager.getConnection(intervalCluster.jdbcUrl())) {
            assertEquals(List.of(List.of(100L)), QueryAssertions.rows(connection, "SELECT count(*) FROM readings"));
            // read at once, no waiting for the flusher: the record is in the file though not yet synced
            List<JsonNode> records = records(LocalCluster.nodeAuditDirectory(node));
            assertEquals("interval", records.get(0).path("data").path("auditSync").asText(), records.get(0).toString());
            assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("fragment.started")
                    && r.path("data").path("sql").asText().contains("\"readings\"")), records.toString());
        }
        AuditVerifier.Report report = AuditVerifier.verify(LocalCluster.nodeAuditDirectory(node));
        assertTrue(report.ok(), report.toString());
    }

    @Test
    void workUnderWayWhenTheClusterStopsStillHasItsEndRecorded(@TempDir Path root) throws Exception {
        Path node = Files.createDirectories(root.resolve("node1").resolve("readings")).getParent();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(3000)) TO '" + node.resolve("readings").resolve("part.parquet") + "'");
        }
        String sql = "SELECT count(*) FROM readings a, readings b, readings c WHERE hash(a.id + b.id + c.id) = 42";
        LocalCluster stopping = LocalCluster.start(List.of(node)); // one node: the whole query is its fragment
        Thread client = new Thread(() -> {
            try (Connection connection = DriverManager.getConnection(stopping.jdbcUrl())) {
                QueryAssertions.rows(connection, sql);
            } catch (SQLException expected) {
                // the cluster stops under it
            }
        });
        try {
            client.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stopping.nodes().get(0).runningFragments() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, stopping.nodes().get(0).runningFragments(), "the fragment never started");
        } finally {
            stopping.close(); // the node first: its fragment is cancelled as it stops, and must still be recorded
        }
        client.join(Duration.ofSeconds(30).toMillis());

        List<JsonNode> requester = records(LocalCluster.requesterAuditDirectory(List.of(node)));
        String id = requester.stream()
                .filter(r -> r.path("type").asText().equals("query.accepted") && r.path("data").path("sql").asText().equals(sql))
                .findFirst().orElseThrow().path("data").path("query").asText();
        assertTrue(requester.stream().anyMatch(r -> r.path("type").asText().equals("query.ended")
                && r.path("data").path("query").asText().equals(id)), "the requester recorded the query's end");
        assertTrue(records(LocalCluster.nodeAuditDirectory(node)).stream().anyMatch(r -> r.path("type").asText()
                .equals("fragment.ended") && r.path("data").path("query").asText().equals(id)), "the node recorded the fragment's end");
    }

    @Test
    void nothingRunsThatTheRequesterCannotRecord(@TempDir Path root) throws Exception {
        Path node = Files.createDirectories(root.resolve("node1").resolve("readings")).getParent();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(100)) TO '" + node.resolve("readings").resolve("part.parquet") + "'");
        }
        try (LocalCluster broken = LocalCluster.start(List.of(node));
                Connection connection = DriverManager.getConnection(broken.jdbcUrl());
                Statement statement = connection.createStatement()) {
            broken.requester().audit().orElseThrow().close(); // as if its disk had failed: nothing more can be written
            // a function's DDL runs at the requester alone: its acceptance is the only record it has
            for (String sql : List.of("SELECT count(*) FROM readings",
                    "CREATE FUNCTION f(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '/nowhere/f.wasm'")) {
                SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql));
                assertEquals("58030", refused.getSQLState(), sql + ": " + refused.getMessage());
                assertTrue(refused.getMessage().contains("audit log"), refused.getMessage());
            }
        }
    }

    @Test
    void theLogsVerifyAndHoldNoPassword() throws Exception {
        QueryAssertions.rows(codd, "SELECT count(*) FROM readings");
        // a node's head reaches the requester with its next heartbeat
        cluster.awaitNodes(registry -> {
            try {
                return !SignedHeads.verified(requesterLog(), "node1").heads().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(AuditVerifier.verify(requesterLog()).ok(), AuditVerifier.verify(requesterLog()).toString());
        for (int node = 1; node <= 3; node++) {
            String name = "node" + node;
            AuditVerifier.Report report = AuditVerifier.verify(nodeLog(node),
                    SignedHeads.verified(requesterLog(), name).heads());
            assertTrue(report.ok(), name + ": " + report);
            // and the other way: each node keeps the requester's head from its first heartbeat's reply on
            AuditVerifier.Anchor kept = RequesterHeads.verified(nodeLog(node), name);
            assertTrue(kept.report().ok() && !kept.heads().isEmpty(), name + ": " + kept);
            AuditVerifier.Report requester = AuditVerifier.verify(requesterLog(), kept.heads());
            assertTrue(requester.ok(), "the requester's log against " + name + "'s: " + requester);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(PASSWORD), "the password is in " + file);
            }
        }
    }
}
