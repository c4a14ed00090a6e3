package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
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
            assertTrue(((BigDecimal) fragment.get(6)).signum() > 0, fragment.toString());
        }
        assertNull(rows.get(3).get(4));
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
