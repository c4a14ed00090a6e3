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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The aggregates of TPC-H Q1 and Q6 run on the nodes, so each node sends back only a few rows. */
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
}
