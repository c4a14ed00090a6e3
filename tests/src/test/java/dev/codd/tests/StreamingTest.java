package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result far larger than the client's memory streams through the driver batch by batch. */
class StreamingTest {
    private static final long ROWS = 1_000_000;
    private static final int PAYLOAD = 240;

    @Test
    void millionRowsFitInASmallClientHeap(@TempDir Path root) throws Exception {
        List<Path> nodes = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            long perNode = ROWS / 4;
            for (int i = 0; i < 4; i++) {
                Path node = Files.createDirectories(root.resolve("node" + i).resolve("wide"));
                nodes.add(node.getParent());
                statement.execute("COPY (SELECT range AS id, repeat('x', " + PAYLOAD + ") AS payload, range * 0.5 AS value "
                        + "FROM range(" + i * perNode + ", " + (i + 1) * perNode + ")) TO '" + node.resolve("part.parquet")
                        + "' (FORMAT parquet)");
            }
        }
        try (LocalCluster cluster = LocalCluster.start(nodes);
                JavaProcess client = JavaProcess.start(List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m"),
                        StreamingClient.class.getName(), cluster.jdbcUrl(), "SELECT id, payload, value FROM wide")) {
            assertEquals(0, client.waitFor(Duration.ofMinutes(3)), client.output());
            String summary = client.await("rows=", Duration.ofSeconds(1));
            assertEquals("rows=" + ROWS + " idSum=" + (ROWS * (ROWS - 1) / 2) + " payloadChars=" + ROWS * PAYLOAD,
                    summary.substring(0, summary.indexOf(" maxHeap=")));
            long maxHeap = Long.parseLong(summary.substring(summary.indexOf("maxHeap=") + 8));
            assertTrue(maxHeap <= 256L * 1024 * 1024, "client heap " + maxHeap);
        }
    }
}
