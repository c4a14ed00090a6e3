package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import dev.codd.planner.catalog.ClusterTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node's data directory holds is what the cluster can query: Parquet, CSV and JSON files
 * under DATA/table/, tables of DATA/*.duckdb, files that come and go while the node runs, and
 * tables whose schemas disagree across nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogTest {
    private Path node1;
    private Path node2;
    private Connection duckdb;
    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        node1 = Files.createDirectories(root.resolve("node1"));
        node2 = Files.createDirectories(root.resolve("node2"));
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        writeSales(node1.resolve("sales/a.parquet"), 0, 1000);
        writeSales(node2.resolve("sales/b.parquet"), 1000, 500);
        Files.createDirectories(node1.resolve("people"));
        Files.writeString(node1.resolve("people/people.csv"), "id,name\n1,Ada\n2,Grace\n3,Edsger\n");
        Files.createDirectories(node2.resolve("events"));
        Files.writeString(node2.resolve("events/events.jsonl"),
                "{\"id\": 1, \"kind\": \"start\"}\n{\"id\": 2, \"kind\": \"stop\"}\n");
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("ATTACH '" + node1.resolve("shop.duckdb") + "' AS shop");
            statement.execute("CREATE TABLE shop.items AS SELECT range AS item, 'item ' || range AS label FROM range(42)");
            statement.execute("DETACH shop");
        }
        Files.createDirectories(node1.resolve("nation"));
        Files.createDirectories(node2.resolve("nation"));
        writeSales(node1.resolve("nation/same.parquet"), 0, 25);
        Files.copy(node1.resolve("nation/same.parquet"), node2.resolve("nation/same.parquet"));
        writeSales(node1.resolve("sales/_temporary/attempt-1.parquet"), 0, 10);
        writeSales(node2.resolve("sales/.staging/part.parquet"), 0, 10);
        Files.writeString(node2.resolve("sales/.hidden.csv"), "id\n1\n");
        cluster = LocalCluster.start(List.of(node1, node2));
        codd = DriverManager.getConnection(cluster.jdbcUrl());
    }

    @AfterAll
    void stop() throws SQLException {
        codd.close();
        cluster.close();
        duckdb.close();
    }

    private void writeSales(Path file, int first, int count) throws Exception {
        Files.createDirectories(file.getParent());
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id, (range % 7)::INTEGER AS store, (range * 1.25)::DECIMAL(12,2) AS amount "
                    + "FROM range(" + first + ", " + (first + count) + ")) TO '" + file + "' (FORMAT parquet)");
        }
    }

    private long count(String table) throws SQLException {
        return (long) QueryAssertions.rows(codd, "SELECT count(*) FROM " + table).get(0).get(0);
    }

    private void awaitTable(String table, Predicate<ClusterTable> condition) {
        cluster.awaitNodes(registry -> registry.catalog().table(table).filter(condition).isPresent());
    }

    @Test
    void readsEveryKindOfShard() throws SQLException {
        assertEquals(1500, count("sales"), "hidden files and directories (_temporary, .staging) are not shards");
        assertEquals(3, count("people"));
        assertEquals(2, count("events"));
        assertEquals(42, count("items"));
        assertEquals(List.of(List.of("Grace")), QueryAssertions.rows(codd, "SELECT name FROM people WHERE id = 2"));
    }

    @Test
    void theSameFileOnTwoNodesIsOneShardReadOnce() throws SQLException {
        ClusterTable nation = cluster.requester().registry().catalog().table("nation").orElseThrow();
        assertEquals(1, nation.shards().size());
        assertEquals(List.of("node1", "node2"), nation.shards().get(0).nodes());
        assertTrue(nation.shards().get(0).cid().startsWith("bafkrei"), nation.shards().get(0).cid());
        assertEquals(25, count("nation"));
    }

    @Test
    void filesThatComeAndGoShowUpWithoutARestart() throws Exception {
        assertEquals(1500, count("sales")); // planned (and the plan kept) before the new file
        Path extra = node2.resolve("sales/c.parquet");
        writeSales(extra, 5000, 250);
        awaitTable("sales", table -> table.shards().size() == 3);
        assertEquals(1750, count("sales"));
        Files.delete(extra);
        awaitTable("sales", table -> table.shards().size() == 2);
        assertEquals(1500, count("sales"));

        Path newTable = node1.resolve("fresh/f.csv");
        Files.createDirectories(newTable.getParent());
        Files.writeString(newTable, "x\n1\n2\n");
        awaitTable("fresh", table -> true);
        assertEquals(2, count("fresh"));
    }

    @Test
    void schemasThatDisagreeAreAClearError() throws Exception {
        Path other = node2.resolve("people/people.csv");
        Files.createDirectories(other.getParent());
        Files.writeString(other, "id,name,age\n4,Barbara,40\n");
        awaitTable("people", table -> table.problem().isPresent());
        SQLException e = assertThrows(SQLException.class, () -> count("people"));
        assertEquals("42000", e.getSQLState());
        for (String part : List.of("different schemas", "node1", "people/people.csv", "node2", "age")) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
        assertEquals(2, count("events"), "other tables stay queryable");
        Files.delete(other);
        Files.delete(other.getParent());
        awaitTable("people", table -> table.problem().isEmpty());
        assertEquals(3, count("people"));
    }

    @Test
    void aFileANodeCannotReadFailsItsTableInsteadOfShrinkingIt() throws Exception {
        Path broken = node2.resolve("sales/c.parquet");
        Files.writeString(broken, "not parquet at all");
        awaitTable("sales", table -> table.problem().isPresent());
        SQLException e = assertThrows(SQLException.class, () -> count("sales"));
        assertEquals("58030", e.getSQLState());
        for (String part : List.of("sales cannot be read whole", "node2", "sales/c.parquet")) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
        assertEquals(3, count("people"), "other tables stay queryable");

        Path alone = node1.resolve("logs/only.parquet");
        Files.createDirectories(alone.getParent());
        Files.writeString(alone, "neither");
        awaitTable("logs", table -> table.problem().isPresent());
        SQLException onlyBroken = assertThrows(SQLException.class,
                () -> QueryAssertions.rows(codd, "SELECT level FROM logs"));
        assertEquals("58030", onlyBroken.getSQLState(), onlyBroken.getMessage());
        assertTrue(onlyBroken.getMessage().contains("logs/only.parquet"), onlyBroken.getMessage());

        Files.move(broken, node2.resolve("sales/.c.parquet"));
        Files.delete(alone);
        awaitTable("sales", table -> table.problem().isEmpty());
        assertEquals(1500, count("sales"));
    }
}
