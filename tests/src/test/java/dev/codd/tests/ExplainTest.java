package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** EXPLAIN and EXPLAIN ANALYZE through JDBC: each fragment, its node, its shards, its exact SQL. */
@ExtendWith(TestCluster.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainTest {
    private Connection codd;

    @BeforeAll
    void connect(TestCluster cluster) throws SQLException {
        codd = cluster.connect();
    }

    @AfterAll
    void disconnect() throws SQLException {
        codd.close();
    }

    @Test
    void explainListsEachFragmentAndTheRoot() throws SQLException {
        List<List<Object>> rows = QueryAssertions.rows(codd,
                "EXPLAIN SELECT l_returnflag, sum(l_quantity) FROM lineitem GROUP BY l_returnflag");
        assertEquals(4, rows.size(), rows.toString());
        for (int i = 0; i < 3; i++) {
            List<Object> fragment = rows.get(i);
            assertEquals("exchange_0", fragment.get(0));
            assertEquals("node" + (i + 1), fragment.get(1));
            assertTrue(((String) fragment.get(2)).startsWith("lineitem: bafkrei"), fragment.toString());
            assertEquals("SELECT \"l_returnflag\", SUM(\"l_quantity\") FROM \"lineitem\" "
                    + "GROUP BY \"l_returnflag\"", fragment.get(3));
        }
        List<Object> root = rows.get(3);
        assertEquals(List.of("root", "requester", "exchange_0"), root.subList(0, 3));
        assertTrue(((String) root.get(3)).contains("FROM \"exchange_0\" GROUP BY"), root.toString());
    }

    @Test
    void explainAnalyzeAddsWhatEachFragmentDid() throws SQLException {
        List<List<Object>> rows = QueryAssertions.rows(codd,
                "EXPLAIN ANALYZE SELECT l_returnflag, sum(l_quantity) FROM lineitem GROUP BY l_returnflag");
        assertEquals(4, rows.size());
        for (List<Object> fragment : rows.subList(0, 3)) {
            assertEquals(3L, fragment.get(4), "3 return flags from each node: " + fragment);
            assertTrue((Long) fragment.get(5) > 0, fragment.toString());
            assertEquals(1L, fragment.get(6), "three rows fit one batch: " + fragment);
            assertTrue(((BigDecimal) fragment.get(7)).signum() > 0, fragment.toString());
        }
        assertNull(rows.get(3).get(4));
    }

    @Test
    void theFetchSizeIsTheBatchSizeOnTheNodes() throws SQLException {
        try (Statement statement = codd.createStatement()) {
            statement.setFetchSize(1000);
            List<Long> batches = new ArrayList<>();
            List<Long> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery("EXPLAIN ANALYZE SELECT l_orderkey FROM lineitem")) {
                while (result.next()) {
                    if (result.getString("step").startsWith("exchange")) {
                        rows.add(result.getLong("rows"));
                        batches.add(result.getLong("batches"));
                    }
                }
            }
            assertEquals(3, batches.size());
            for (int i = 0; i < 3; i++) {
                assertEquals((rows.get(i) + 999) / 1000, batches.get(i), "batches of 1000 rows: " + rows + " " + batches);
            }
            statement.setFetchSize(0);
            try (ResultSet result = statement.executeQuery("EXPLAIN ANALYZE SELECT l_orderkey FROM lineitem")) {
                assertTrue(result.next());
                assertEquals(1, result.getLong("batches"), "the default batch holds a node's 20000 rows at SF 0.01");
            }
        }
    }

    @Test
    void aSyntaxErrorIsPlacedInTheTextTheUserWrote() {
        SQLException e = assertThrows(SQLException.class,
                () -> QueryAssertions.rows(codd, "EXPLAIN ANALYZE SELECT *\nFROM nation WHER n_name = 'x'"));
        assertEquals("42000", e.getSQLState());
        assertTrue(e.getMessage().contains("line 2, column 18"), e.getMessage());
        SQLException first = assertThrows(SQLException.class, () -> QueryAssertions.rows(codd, "EXPLAIN SELEC 1"));
        assertTrue(first.getMessage().contains("line 1, column 9"), first.getMessage());
    }

    @Test
    void explainShowsRowsPassingThrough() throws SQLException {
        List<List<Object>> rows = QueryAssertions.rows(codd, "explain SELECT n_name FROM nation WHERE n_regionkey = 1");
        assertEquals(2, rows.size());
        assertEquals("(the rows of exchange_0 pass through)", rows.get(1).get(3));
    }
}
