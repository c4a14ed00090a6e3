package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster as tables: {@code sys.nodes}, {@code sys.tables}, {@code sys.shards} and
 * {@code sys.queries} say what the requester knows, as SQL reads it, and JDBC metadata lists them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemTablesTest {
    private final List<Path> nodes = new ArrayList<>();
    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Path table = Files.createDirectories(root.resolve("node" + (i + 1)).resolve("readings"));
                for (int part = 0; part <= i; part++) { // node1 holds 1 shard, node2 2, node3 3
                    statement.execute("COPY (SELECT range AS id, " + part + " AS part FROM range(" + (i * 100 + part * 10)
                            + ", " + (i * 100 + part * 10 + 10) + ")) TO '" + table.resolve("p" + part + ".parquet") + "'");
                }
                nodes.add(table.getParent());
            }
        }
        cluster = LocalCluster.start(nodes);
        Properties properties = new Properties();
        properties.setProperty("user", "grace");
        codd = DriverManager.getConnection(cluster.jdbcUrl(), properties);
    }

    @AfterAll
    void stop() throws Exception {
        codd.close();
        cluster.close();
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c == 1 ? "" : "|").append(result.getString(c));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Test
    void nodesSayWhoIsUpAndWhatTheyHold() throws SQLException {
        // running_fragments is as of the node's last heartbeat
        assertEquals(List.of("node1|up|1|10|true|true", "node2|up|2|20|true|true", "node3|up|3|30|true|true"),
                rows("SELECT name, state, shards, row_count, running_fragments >= 0, audited FROM sys.nodes ORDER BY name"));
        assertEquals(List.of("3"), rows("SELECT count(*) FROM sys.nodes WHERE last_seen > now() - INTERVAL '1' MINUTE"
                + " AND address LIKE '127.0.0.1:%'"));
    }

    @Test
    void tablesAndShardsAddUp() throws SQLException {
        assertEquals(List.of("readings|2|6|60|node1,node2,node3|null|null"),
                rows("SELECT * FROM sys.tables WHERE name = 'readings'"));
        assertEquals(List.of("6|60|6"), rows("SELECT count(*), sum(row_count), sum(replicas) FROM sys.shards"
                + " WHERE table_name = 'readings' AND cid LIKE 'bafkrei%'"));
        // joined with a data table like any table
        assertEquals(List.of("60"), rows("SELECT count(*) FROM readings r, sys.tables t WHERE t.name = 'readings'"));
    }

    @Test
    void queriesShowWhoRanWhatAndHowItEnded() throws SQLException {
        assertEquals(List.of("30"), rows("SELECT count(*) FROM readings WHERE part = 0 /* marker-ok */"));
        assertThrows(SQLException.class, () -> rows("SELEC 1 /* marker-bad */"));
        assertEquals(List.of("FINISHED|grace|1|null", "FAILED|grace|0|42000"),
                rows("SELECT state, user_name, row_count, substr(error, 1, 5) FROM sys.queries"
                        + " WHERE sql LIKE '%marker-%' AND sql NOT LIKE '%sys.queries%' ORDER BY started"));
        assertEquals(List.of("RUNNING"), rows("SELECT state FROM sys.queries WHERE sql LIKE '%marker-self%'"));
    }

    @Test
    void metadataListsTheSystemTables() throws SQLException {
        DatabaseMetaData metadata = codd.getMetaData();
        List<String> schemas = new ArrayList<>();
        try (ResultSet result = metadata.getSchemas()) {
            while (result.next()) {
                schemas.add(result.getString("TABLE_SCHEM"));
            }
        }
        assertEquals(List.of("main", "sys"), schemas);
        List<String> tables = new ArrayList<>();
        try (ResultSet result = metadata.getTables(null, "sys", "%", new String[] {"SYSTEM TABLE"})) {
            while (result.next()) {
                tables.add(result.getString("TABLE_SCHEM") + "." + result.getString("TABLE_NAME"));
            }
        }
        assertEquals(List.of("sys.audit", "sys.functions", "sys.job_outputs", "sys.jobs", "sys.node_audit", "sys.nodes", "sys.queries", "sys.shards", "sys.tables"), tables);
        List<String> columns = new ArrayList<>();
        try (ResultSet result = metadata.getColumns(null, "sys", "nodes", "%")) {
            while (result.next()) {
                columns.add(result.getString("COLUMN_NAME") + " " + result.getString("TYPE_NAME"));
            }
        }
        assertEquals(List.of("name VARCHAR", "address VARCHAR", "state VARCHAR", "last_seen TIMESTAMP", "shards BIGINT",
                "row_count BIGINT", "running_fragments INTEGER", "audited BOOLEAN", "containers BOOLEAN", "labels VARCHAR"), columns);
        try (ResultSet result = metadata.getTables(null, null, "%", new String[] {"TABLE"})) {
            assertTrue(result.next());
            assertEquals("main.readings", result.getString("TABLE_SCHEM") + "." + result.getString("TABLE_NAME"));
            assertTrue(!result.next(), "only data tables are of type TABLE");
        }
    }
}
