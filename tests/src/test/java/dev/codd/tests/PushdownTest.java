package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.requester.QueryRecord;
import dev.codd.node.tpch.TpchQueries;
import dev.codd.planner.DistributedPlan;
import dev.codd.planner.Fragment;
import dev.codd.planner.QueryPlanner;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Work runs where the data is: the aggregates of TPC-H Q1 and Q6, the joins of lineitem and orders
 * (partitioned alike by order key), and shards whose statistics rule out a filter are not read.
 */
@ExtendWith(TestCluster.Extension.class)
class PushdownTest {
    private static final long FEW_KILOBYTES = 4096;

    @ParameterizedTest(name = "Q{0}")
    @ValueSource(ints = {1, 6})
    void aggregatesRunOnTheNodes(int query, TestCluster tpch) throws SQLException {
        String sql = TpchQueries.query(query);
        DistributedPlan plan = new QueryPlanner().plan(sql, tpch.cluster().requester().registry().catalog());
        List<Fragment> fragments = plan.fragments();
        assertEquals(3, fragments.size(), "one fragment per node: " + fragments);
        assertEquals(List.of("node1", "node2", "node3"), fragments.stream().map(Fragment::node).sorted().toList());
        for (Fragment fragment : fragments) {
            assertTrue(fragment.sql().contains("SUM(\"l_extendedprice\""), fragment.sql());
            assertTrue(fragment.sql().contains("WHERE \"l_shipdate\""), fragment.sql());
            if (query == 1) {
                assertTrue(fragment.sql().contains("COUNT(*)"), fragment.sql());
                assertTrue(fragment.sql().endsWith("GROUP BY \"l_returnflag\", \"l_linestatus\""), fragment.sql());
            }
        }
        assertTrue(plan.rootSql().orElseThrow().contains("FROM \"exchange_0\""), plan.rootSql().get());

        try (Connection codd = tpch.connect()) {
            QueryAssertions.rows(codd, sql);
        }
        QueryRecord record = tpch.cluster().requester().queries().recent().stream()
                .filter(r -> r.sql().equals(sql)).findFirst().orElseThrow();
        assertEquals(QueryRecord.State.FINISHED, record.state());
        assertEquals(3, record.traffic().size(), record.traffic().toString());
        for (QueryRecord.NodeTraffic traffic : record.traffic()) {
            assertTrue(traffic.rows() <= 4, traffic.toString());
            assertTrue(traffic.bytes() > 0 && traffic.bytes() <= FEW_KILOBYTES, traffic.toString());
        }
    }

    private static QueryRecord run(TestCluster tpch, String sql) throws SQLException {
        try (Connection codd = tpch.connect()) {
            QueryAssertions.assertSameResult(codd, tpch.oracle(), sql);
        }
        return tpch.cluster().requester().queries().recent().stream()
                .filter(r -> r.sql().equals(sql)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "Q{0}")
    @ValueSource(ints = {3, 5, 10, 12, 18})
    void lineitemJoinsOrdersOnTheNodes(int query, TestCluster tpch) throws SQLException {
        DistributedPlan plan = new QueryPlanner().plan(TpchQueries.query(query),
                tpch.cluster().requester().registry().catalog());
        List<Fragment> joins = plan.fragments().stream()
                .filter(f -> f.shards().keySet().containsAll(List.of("lineitem", "orders")))
                .toList();
        assertEquals(List.of("node1", "node2", "node3"), joins.stream().map(Fragment::node).sorted().toList(),
                "one fragment per node joins its own partitions: " + plan.fragments());
        for (Fragment join : joins) {
            assertTrue(join.sql().contains("INNER JOIN"), join.sql());
            assertTrue(join.sql().contains("\"o_orderkey\" = ") || join.sql().contains("\"l_orderkey\" = "),
                    join.sql());
        }
        run(tpch, TpchQueries.query(query));
    }

    @Test
    void q3MovesOnlyJoinedAndFilteredRows(TestCluster tpch) throws SQLException {
        QueryRecord record = run(tpch, TpchQueries.query(3));
        long bytes = record.traffic().stream().mapToLong(QueryRecord.NodeTraffic::bytes).sum();
        assertTrue(bytes < 300_000, "Q3 moved " + bytes + " bytes (about 106 KB when measured)");
    }

    @ParameterizedTest(name = "Q{0}")
    @ValueSource(ints = {4, 17, 21})
    void queriesWithCorrelatedSubQueriesReadOnlyTheColumnsTheyNeed(int query, TestCluster tpch) throws SQLException {
        DistributedPlan plan = new QueryPlanner().plan(TpchQueries.query(query),
                tpch.cluster().requester().registry().catalog());
        for (Fragment fragment : plan.fragments()) {
            assertTrue(!fragment.sql().matches("SELECT \\* FROM \"(lineitem|orders)\".*")
                            && !fragment.sql().contains("l_comment"),
                    "a column no part of the query reads is not sent: " + fragment.sql());
        }
        run(tpch, TpchQueries.query(query));
    }

    @Test
    void conditionsCommonToTheBranchesOfAnOrFilterTheirTable(TestCluster tpch) throws SQLException {
        // Q19: each branch of the OR requires l_shipinstruct = 'DELIVER IN PERSON' and the shipping modes
        DistributedPlan plan = new QueryPlanner().plan(TpchQueries.query(19),
                tpch.cluster().requester().registry().catalog());
        List<Fragment> lineitem = plan.fragments().stream().filter(f -> f.shards().containsKey("lineitem")).toList();
        assertEquals(3, lineitem.size(), plan.fragments().toString());
        for (Fragment fragment : lineitem) {
            assertTrue(fragment.sql().contains("\"l_shipinstruct\" = 'DELIVER IN PERSON'"), fragment.sql());
        }
        run(tpch, TpchQueries.query(19));
    }

    @Test
    void nodesWithoutMatchingShardsAreNotAsked(TestCluster tpch) throws SQLException {
        String sql = "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_orderkey BETWEEN 100 AND 200";
        QueryRecord record = run(tpch, sql);
        assertEquals(List.of("node1"), record.traffic().stream().map(QueryRecord.NodeTraffic::node).toList());
        try (Connection codd = tpch.connect()) {
            List<List<Object>> explain = QueryAssertions.rows(codd, "EXPLAIN " + sql);
            List<Object> pruned = explain.stream().filter(row -> row.get(0).equals("pruned")).findFirst().orElseThrow();
            assertTrue(((String) pruned.get(2)).startsWith("lineitem: bafkrei"), pruned.toString());
        }
    }

    @Test
    void aFilterOnOneSideOfAJoinPrunesBothSides(TestCluster tpch) throws SQLException {
        // o_orderkey < 2000 and l_orderkey = o_orderkey: lineitem's other shards cannot match either
        String sql = "SELECT o_orderpriority, count(*) FROM orders JOIN lineitem ON l_orderkey = o_orderkey"
                + " WHERE o_orderkey < 2000 GROUP BY o_orderpriority ORDER BY o_orderpriority";
        QueryRecord record = run(tpch, sql);
        assertEquals(List.of("node1"), record.traffic().stream().map(QueryRecord.NodeTraffic::node).toList());
        assertEquals(5, record.traffic().get(0).rows(), "the whole query ran on node1: " + record.traffic());
    }
}
