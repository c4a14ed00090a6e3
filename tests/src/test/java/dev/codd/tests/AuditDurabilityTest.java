package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No row leaves before its query's records are on disk. The disk is made to stop syncing (fsync and
 * fdatasync fail on the audit log's segments, through a C library shim preloaded into one process)
 * once the cluster is up and its logs are synced: the next query fails with 58030 instead of
 * answering, whether the node's disk failed or the requester's. Had the rows not waited for the
 * sync, they would have reached the client.
 */
class AuditDurabilityTest {
    private static final String CLI = "dev.codd.node.cli.CoddCommand";
    private static final String QUERY = "SELECT count(*) FROM readings";

    @TempDir
    static Path build;
    private static Path shim;
    private final List<JavaProcess> processes = new ArrayList<>();

    /** Builds the shim; the test skips without clang (which the WASM tests need too), unless those are required. */
    @BeforeAll
    static void buildShim() throws Exception {
        Path source = Path.of(AuditDurabilityTest.class.getResource("/native/fsync-fails.c").toURI());
        shim = build.resolve("libfsyncfails.so");
        int exit;
        try {
            exit = new ProcessBuilder("clang", "-shared", "-fPIC", "-O2", "-o", shim.toString(), source.toString(), "-ldl")
                    .inheritIO().start().waitFor();
        } catch (IOException noClang) {
            exit = -1;
        }
        if (Boolean.getBoolean("codd.require.wasm")) {
            assertEquals(0, exit, "clang could not build the fsync shim");
        }
        Assumptions.assumeTrue(exit == 0, "no clang to build the fsync shim: the test skips");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (JavaProcess process : processes) {
            process.close();
        }
    }

    @Test
    void aNodeWhoseDiskStopsSyncingSendsNoRows(@TempDir Path root) throws Exception {
        Path trigger = root.resolve("disk-fails");
        assertRefusedOnceTheDiskFails(root, Map.of(), failing(trigger), trigger);
    }

    @Test
    void aRequesterWhoseDiskStopsSyncingSendsNoRows(@TempDir Path root) throws Exception {
        Path trigger = root.resolve("disk-fails");
        assertRefusedOnceTheDiskFails(root, failing(trigger), Map.of(), trigger);
    }

    @Test
    void explainAnalyzeTellsNothingOfTheDataBeforeItsRecordsAreOnDisk(@TempDir Path root) throws Exception {
        Path trigger = root.resolve("disk-fails");
        assertRefusedOnceTheDiskFails(root, failing(trigger), Map.of(), trigger, "EXPLAIN ANALYZE " + QUERY);
    }

    private static Map<String, String> failing(Path trigger) {
        return Map.of("LD_PRELOAD", shim.toString(), "CODD_TEST_FSYNC_FAILS_WHEN", trigger.toString());
    }

    private void assertRefusedOnceTheDiskFails(Path root, Map<String, String> requesterEnv, Map<String, String> nodeEnv,
            Path trigger) throws Exception {
        assertRefusedOnceTheDiskFails(root, requesterEnv, nodeEnv, trigger, QUERY);
    }

    private void assertRefusedOnceTheDiskFails(Path root, Map<String, String> requesterEnv, Map<String, String> nodeEnv,
            Path trigger, String sql) throws Exception {
        Path data = Files.createDirectories(root.resolve("node1").resolve("readings")).getParent();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(100)) TO '" + data.resolve("readings").resolve("part.parquet")
                    + "' (FORMAT parquet)");
        }
        int port = JavaProcess.freePort();
        start(requesterEnv, "serve", "requester", "--port", Integer.toString(port), "--audit",
                root.resolve("requester-audit").toString())
                .await("Codd requester listening", Duration.ofSeconds(60));
        start(nodeEnv, "serve", "compute", "--data", data.toString(), "--join", "127.0.0.1:" + port, "--name", "node1")
                .await("Codd compute node node1", Duration.ofSeconds(60));
        try (Connection codd = DriverManager.getConnection("jdbc:codd://127.0.0.1:" + port)) {
            QueryAssertions.awaitRows(codd, QUERY, List.of(List.of(100L)));
            Thread.sleep(500); // past the logs' sync interval: nothing is left to sync when the disk fails
            Files.createFile(trigger);
            SQLException refused = assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, sql),
                    "rows left before their query's records were on disk");
            assertEquals("58030", refused.getSQLState(), refused.getMessage());
            assertTrue(refused.getMessage().contains("audit log"), refused.getMessage());
        }
    }

    private JavaProcess start(Map<String, String> environment, String... args) throws Exception {
        JavaProcess process = JavaProcess.start(environment, List.of("-Xmx512m"), CLI, args);
        processes.add(process);
        return process;
    }
}
