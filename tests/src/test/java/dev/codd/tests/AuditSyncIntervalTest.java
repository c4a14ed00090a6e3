package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codd.node.LocalCluster;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.compute.AuditSync;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes that sync their records of fragments on the interval still write each before its first row leaves. */
class AuditSyncIntervalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFragmentsRecordIsWrittenBeforeItsRowsLeaveAndTheLogSaysHowItIsSynced(@TempDir Path root) throws Exception {
        Path node = Files.createDirectories(root.resolve("node1").resolve("readings")).getParent();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(100)) TO '" + node.resolve("readings").resolve("part.parquet") + "'");
        }
        try (LocalCluster cluster = LocalCluster.start(List.of(node), AuditSync.INTERVAL);
                Connection codd = DriverManager.getConnection(cluster.jdbcUrl())) {
            assertEquals(List.of(List.of(100L)), QueryAssertions.rows(codd, "SELECT count(*) FROM readings"));
            // read at once, no waiting for the flusher: the record is in the file though not yet synced
            List<JsonNode> records = records(LocalCluster.nodeAuditDirectory(node));
            assertEquals("interval", records.get(0).path("data").path("auditSync").asText(), records.get(0).toString());
            assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("fragment.started")
                    && r.path("data").path("sql").asText().contains("\"readings\"")), records.toString());
        }
        AuditVerifier.Report report = AuditVerifier.verify(LocalCluster.nodeAuditDirectory(node));
        assertTrue(report.ok(), report.toString());
    }

    private static List<JsonNode> records(Path log) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(log)) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                    records.add(JSON.readTree(line));
                }
            }
        }
        return records;
    }
}
