package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.compute.ComputeNode;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.WireJson;
import dev.codd.planner.catalog.Shard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fragments sent straight to a node's Flight port, bypassing the requester: the node runs only a
 * single SELECT over shards it holds, and nothing that reads or writes files by name.
 */
@ExtendWith(TestCluster.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FragmentRefusalTest {
    private BufferAllocator allocator;
    private FlightClient client;
    private ComputeNode node;
    private String lineitemCid;

    @BeforeAll
    void connect(TestCluster tpch) {
        node = tpch.cluster().nodes().get(0);
        allocator = new RootAllocator();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure(node.address().host(), node.address().port()))
                .build();
        lineitemCid = tpch.cluster().requester().registry().catalog().table("lineitem").orElseThrow().shards().stream()
                .filter(shard -> shard.nodes().contains(node.name()))
                .map(Shard::cid)
                .findFirst()
                .orElseThrow();
    }

    @AfterAll
    void disconnect() throws Exception {
        client.close();
        allocator.close();
    }

    private long run(byte[] ticket) throws Exception {
        long rows = 0;
        try (FlightStream stream = client.getStream(new Ticket(ticket))) {
            while (stream.next()) {
                rows += stream.getRoot().getRowCount();
            }
        }
        return rows;
    }

    private long run(String sql, Map<String, List<String>> shards) throws Exception {
        return run(WireJson.write(new FragmentTicket("test", "tester", sql, shards, List.of(), 0, List.of())));
    }

    private FlightRuntimeException refused(String sql, Map<String, List<String>> shards) {
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> run(sql, shards), sql);
        assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Fragment refused"), e.getMessage());
        return e;
    }

    @Test
    void runsAFragmentOverItsOwnShard() throws Exception {
        assertEquals(1, run("SELECT count(*) FROM lineitem", Map.of("lineitem", List.of(lineitemCid))));
    }

    @Test
    void refusesAnUnknownCid() {
        String unknown = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
        FlightRuntimeException e = refused("SELECT count(*) FROM lineitem", Map.of("lineitem", List.of(unknown)));
        assertTrue(e.getMessage().contains(unknown), e.getMessage());
    }

    @Test
    void refusesCopyTo() throws Exception {
        refused("COPY (SELECT * FROM lineitem) TO 'stolen.csv'", Map.of("lineitem", List.of(lineitemCid)));
        refused("COPY (SELECT * FROM lineitem) TO '" + node.dataDirectory().resolve("stolen.csv") + "'",
                Map.of("lineitem", List.of(lineitemCid)));
        try (Stream<Path> files = Files.walk(node.dataDirectory())) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("stolen")));
        }
    }

    @Test
    void refusesReadingFilesByName() {
        FlightRuntimeException e = refused("SELECT * FROM read_csv('/etc/passwd')", Map.of("lineitem", List.of(lineitemCid)));
        assertTrue(e.getMessage().contains("read_csv"), e.getMessage());
        refused("SELECT * FROM lineitem WHERE l_comment IN (SELECT * FROM read_text('/etc/hostname'))",
                Map.of("lineitem", List.of(lineitemCid)));
        refused("SELECT * FROM 'lineitem/lineitem-1-of-3.parquet'", Map.of("lineitem", List.of(lineitemCid)));
        refused("SELECT * FROM query('SELECT 1')", Map.of());
    }

    @Test
    void refusesTablesNotBoundAndStatementsOtherThanOneSelect() {
        refused("SELECT * FROM orders", Map.of("lineitem", List.of(lineitemCid)));
        refused("SELECT 1; SELECT 2", Map.of());
        refused("ATTACH 'x.duckdb' AS x", Map.of());
        refused("SELECT current_setting('allowed_directories')", Map.of());
    }

    @Test
    void refusesAMalformedTicket() {
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
                () -> run("not a fragment".getBytes(StandardCharsets.UTF_8)));
        assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code());
        assertTrue(e.getMessage().contains("Malformed FragmentTicket"), e.getMessage());
    }
}
