package dev.codd.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.planner.catalog.ClusterCatalog;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.ColumnRange;
import dev.codd.planner.catalog.Shard;
import dev.codd.planner.catalog.TableProblem;
import dev.codd.planner.catalog.UserFunction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The SQL each node and the requester receive, for the shapes the walking skeleton pushes down. */
class QueryPlannerTest {
    private final QueryPlanner planner = new QueryPlanner();
    private final ClusterCatalog tpch = TpchCatalogs.threeNodes();

    private DistributedPlan plan(String sql) {
        return planner.plan(sql, tpch);
    }

    @Test
    void splitsAggregatesIntoPartialsOnTheNodes() {
        DistributedPlan plan = plan(TpchCatalogs.query(1));
        assertEquals(1, plan.exchanges().size());
        assertEquals(List.of("n1", "n2", "n3"), plan.fragments().stream().map(Fragment::node).toList());
        for (Fragment fragment : plan.fragments()) {
            assertTrue(fragment.sql().startsWith("SELECT \"l_returnflag\", \"l_linestatus\", SUM(\"l_quantity\")"),
                    fragment.sql());
            assertTrue(fragment.sql().contains("COUNT(*) AS \"count_order\" FROM \"lineitem\" WHERE \"l_shipdate\" <="),
                    fragment.sql());
            assertTrue(fragment.sql().endsWith("GROUP BY \"l_returnflag\", \"l_linestatus\""), fragment.sql());
            assertEquals(Map.of("lineitem", List.of("bafkreilineitem" + (fragment.node().charAt(1) - '1'))),
                    fragment.shards());
        }
        String root = plan.rootSql().orElseThrow();
        assertTrue(root.contains("SUM(\"sum_qty\") AS \"sum_qty\""), root);
        assertTrue(root.contains("CAST(COALESCE(SUM(\"count_order\"), 0) AS BIGINT) AS \"count_order\""), root);
        assertTrue(root.contains("CAST(SUM(\"sum_qty\") AS DOUBLE) / CAST(COALESCE(SUM("), "AVG is SUM / COUNT: " + root);
        assertTrue(root.endsWith("FROM \"exchange_0\" GROUP BY \"l_returnflag\", \"l_linestatus\" "
                + "ORDER BY \"l_returnflag\", \"l_linestatus\""), root);
        assertEquals(List.of("l_returnflag", "l_linestatus", "sum_qty", "sum_base_price", "sum_disc_price", "sum_charge",
                "avg_qty", "avg_price", "avg_disc", "count_order"), plan.columnNames());
    }

    @Test
    void filtersAndProjectionsRunOnTheNodesAndRowsPassThrough() {
        DistributedPlan plan = plan("SELECT l_orderkey, l_quantity * 2 AS doubled FROM lineitem WHERE l_quantity > 10");
        assertEquals(Optional.empty(), plan.rootSql());
        assertEquals(List.of("l_orderkey", "doubled"), plan.columnNames());
        for (Fragment fragment : plan.fragments()) {
            assertEquals("SELECT \"l_orderkey\", \"l_quantity\" * 2 AS \"doubled\" FROM \"lineitem\" WHERE \"l_quantity\" > 10.00",
                    fragment.sql());
        }
    }

    @Test
    void sendsTopNToEachNode() {
        DistributedPlan plan = plan("SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC LIMIT 5");
        for (Fragment fragment : plan.fragments()) {
            assertEquals("SELECT \"o_orderkey\", \"o_totalprice\" FROM \"orders\" ORDER BY \"o_totalprice\" DESC LIMIT 5",
                    fragment.sql().replace('\n', ' '));
        }
        assertEquals("SELECT * FROM \"exchange_0\" ORDER BY \"o_totalprice\" DESC LIMIT 5",
                plan.rootSql().orElseThrow().replace('\n', ' '));
    }

    @Test
    void sendsTopNPlusOffsetToEachNode() {
        DistributedPlan plan = plan("SELECT o_orderkey FROM orders ORDER BY o_totalprice DESC LIMIT 5 OFFSET 2");
        for (Fragment fragment : plan.fragments()) {
            assertTrue(fragment.sql().replace('\n', ' ').endsWith("ORDER BY \"o_totalprice\" DESC LIMIT 7"), fragment.sql());
        }
        assertTrue(plan.rootSql().orElseThrow().replace('\n', ' ').endsWith("LIMIT 5 OFFSET 2"), plan.rootSql().get());
    }

    @Test
    void preAggregatesDistinctValuesOnTheNodes() {
        DistributedPlan plan = plan("SELECT l_returnflag, count(DISTINCT l_partkey) FROM lineitem GROUP BY l_returnflag");
        for (Fragment fragment : plan.fragments()) {
            assertEquals("SELECT \"l_partkey\", \"l_returnflag\" FROM \"lineitem\" GROUP BY \"l_partkey\", \"l_returnflag\"",
                    fragment.sql());
        }
    }

    @Test
    void windowFunctionsSeeEveryRow() {
        DistributedPlan plan = plan("SELECT o_orderkey, sum(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderkey "
                + "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM orders");
        plan.fragments().forEach(f -> assertTrue(!f.sql().contains("OVER"), f.sql()));
        assertTrue(plan.rootSql().orElseThrow().contains("OVER (PARTITION BY"), plan.rootSql().get());
    }

    @Test
    void joinsCoPartitionedTablesOnTheNodesAndTheRestAtTheRequester() {
        DistributedPlan plan = plan(TpchCatalogs.query(3));
        assertEquals(2, plan.exchanges().size());
        Exchange joined = plan.exchanges().get(0);
        assertEquals(3, joined.fragments().size());
        for (Fragment fragment : joined.fragments()) {
            String sql = fragment.sql().replace('\n', ' ');
            assertTrue(sql.contains("FROM \"orders\" WHERE \"o_orderdate\" < DATE '1995-03-15') AS \"t0\" INNER JOIN"), sql);
            assertTrue(sql.endsWith("ON \"t0\".\"o_orderkey\" = \"t2\".\"l_orderkey\""), sql);
            assertEquals(2, fragment.shards().size(), "orders and lineitem bound: " + fragment.shards());
        }
        assertTrue(plan.exchanges().get(1).fragments().get(0).sql().endsWith("WHERE \"c_mktsegment\" = 'BUILDING'"));
        String root = plan.rootSql().orElseThrow();
        assertTrue(root.contains("INNER JOIN \"exchange_1\" ON"), root);
        assertTrue(root.endsWith("LIMIT 10"), root);
    }

    @Test
    void joinsWithReplicatedTablesOnEveryNode() {
        DistributedPlan plan = plan("SELECT n_name, count(*) FROM supplier JOIN nation ON s_nationkey = n_nationkey GROUP BY n_name");
        assertEquals(3, plan.fragments().size());
        for (Fragment fragment : plan.fragments()) {
            assertTrue(fragment.sql().contains("INNER JOIN"), fragment.sql());
            assertTrue(fragment.sql().contains("COUNT(*)"), "the aggregate follows the join to the node: " + fragment.sql());
            assertEquals(List.of("bafkreination"), fragment.shards().get("nation"));
        }
    }

    @Test
    void doesNotBroadcastIntoAnOuterJoinThatWouldRepeatRows() {
        DistributedPlan plan = plan("SELECT n_name, s_name FROM supplier RIGHT JOIN nation ON s_nationkey = n_nationkey");
        assertTrue(plan.rootSql().orElseThrow().contains("RIGHT JOIN"), plan.rootSql().get());
    }

    @Test
    void branchesOfAUserUnionGetTheirOwnExchanges() {
        DistributedPlan plan = plan("SELECT n_nationkey FROM nation UNION ALL SELECT r_regionkey FROM region");
        assertEquals(2, plan.exchanges().size(), "DuckDB unifies the branch types at the root");
        assertTrue(plan.rootSql().orElseThrow().contains("UNION ALL"), plan.rootSql().get());
    }

    @Test
    void keepsFilteredAggregatesUnderGroupingSetsWhole() {
        DistributedPlan plan = plan("SELECT l_returnflag, SUM(l_quantity) FILTER (WHERE l_discount > 0.05) "
                + "FROM lineitem GROUP BY ROLLUP(l_returnflag)");
        plan.fragments().forEach(f -> assertTrue(!f.sql().contains("SUM("), "not split: " + f.sql()));
        assertTrue(plan.rootSql().orElseThrow().contains("FILTER (WHERE"), plan.rootSql().get());
    }

    @Test
    void nodesSendCountsMeansAndVariancesWhereStandardDeviationsAreAsked() {
        DistributedPlan plan = plan("SELECT l_returnflag, stddev_samp(l_quantity), var_pop(l_tax), count(*), max(l_tax)"
                + " FROM lineitem GROUP BY l_returnflag");
        assertTrue(plan.fragments().size() > 1);
        plan.fragments().forEach(f -> assertTrue(f.sql().contains("GROUP BY") && f.sql().contains("VAR_POP(")
                && f.sql().contains("AVG(") && !f.sql().contains("STDDEV"), f.sql()));
        String root = plan.rootSql().orElseThrow();
        assertTrue(root.contains("OVER (PARTITION BY") && root.contains("SQRT(") && !root.contains("VAR_POP("), root);
    }

    @Test
    void duckDbAggregatesCalciteLacksRunAtTheRequesterOverWhatTheNodesFiltered() {
        DistributedPlan plan = plan("SELECT l_returnflag, median(l_quantity), mode(l_shipmode), corr(l_tax, l_discount) "
                + "FROM lineitem WHERE l_tax > 0.01 GROUP BY l_returnflag");
        plan.fragments().forEach(f -> assertTrue(f.sql().contains("WHERE") && !f.sql().contains("MEDIAN"), f.sql()));
        String root = plan.rootSql().orElseThrow();
        assertTrue(root.contains("MEDIAN(") && root.contains("MODE(") && root.contains("CORR("), root);
    }

    @Test
    void aUserFunctionStoredUnderTheNameOfADuckDbAggregateKeepsItsMeaning() {
        assertTrue(QueryPlanner.isBuiltInFunction("median"), "no new function may take the name");
        ClusterCatalog withProduct = tpch.withFunctions(List.of(
                new UserFunction("product", "codd_udf_product", List.of("BIGINT"), "BIGINT", true)));
        DistributedPlan plan = planner.plan("SELECT product(l_orderkey) FROM lineitem", withProduct);
        plan.fragments().forEach(f -> assertTrue(f.sql().contains("CODD_UDF_PRODUCT(") && !f.sql().contains("GROUP BY"), f.sql()));
        assertEquals(Optional.empty(), plan.rootSql().filter(root -> root.contains("PRODUCT")));
    }

    @Test
    void constantArgumentsOfAggregatesAreWrittenAsLiterals() {
        DistributedPlan plan = plan("SELECT quantile_cont(l_quantity, 0.25), string_agg(l_shipmode, ','), "
                + "percentile_disc(0.5) WITHIN GROUP (ORDER BY l_tax) FROM lineitem");
        String root = plan.rootSql().orElseThrow();
        assertTrue(root.contains("QUANTILE_CONT(\"l_quantity\", 0.25)") && root.contains("LISTAGG(\"l_shipmode\", ',')")
                && root.contains("PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY \"l_tax\")"), root);
    }

    @Test
    void standardDeviationsWithoutGroupsAndOfValuesNeverNullSplitToo() {
        DistributedPlan plan = plan("SELECT var_samp(coalesce(l_tax, 0)), stddev_pop(l_quantity) FROM lineitem");
        assertTrue(plan.fragments().size() > 1);
        plan.fragments().forEach(f -> assertTrue(f.sql().contains("VAR_POP(") && !f.sql().contains("VAR_SAMP"), f.sql()));
        assertTrue(plan.rootSql().orElseThrow().contains("OVER (RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"),
                plan.rootSql().get());
    }

    @Test
    void aReplicatedTableIsReadOnceFromOneNode() {
        DistributedPlan plan = plan("SELECT n_name FROM nation WHERE n_regionkey = 1");
        assertEquals(1, plan.fragments().size());
        assertEquals(Optional.empty(), plan.rootSql(), "a query on one node needs no root work");
        assertEquals(Map.of("nation", List.of("bafkreination")), plan.fragments().get(0).shards());
    }

    @Test
    void spreadsReplicasOverTheNodes() {
        List<Shard> shards = List.of(new Shard("bafkreia", 1, List.of("n1", "n2")), new Shard("bafkreib", 1, List.of("n1", "n2")),
                new Shard("bafkreic", 1, List.of("n1", "n2")), new Shard("bafkreid", 1, List.of("n1", "n2")));
        ClusterCatalog catalog = new ClusterCatalog(Map.of("t", new ClusterTable("t", List.of(new Column("x", "INTEGER")), shards)));
        DistributedPlan plan = planner.plan("SELECT count(*) FROM t", catalog);
        assertEquals(List.of(List.of("bafkreia", "bafkreic"), List.of("bafkreib", "bafkreid")),
                plan.fragments().stream().map(f -> f.shards().get("t")).toList());
    }

    @Test
    void spreadsRowsRatherThanShards() {
        List<String> both = List.of("n1", "n2");
        List<Shard> shards = List.of(new Shard("bafkreia", 100, both), new Shard("bafkreib", 900, both),
                new Shard("bafkreic", 100, both), new Shard("bafkreid", 100, both));
        ClusterCatalog catalog = new ClusterCatalog(Map.of("t", new ClusterTable("t", List.of(new Column("x", "INTEGER")), shards)));
        DistributedPlan plan = planner.plan("SELECT count(*) FROM t", catalog);
        assertEquals(Map.of("n1", List.of("bafkreib"), "n2", List.of("bafkreia", "bafkreic", "bafkreid")),
                plan.fragments().stream().collect(Collectors.toMap(Fragment::node, f -> f.shards().get("t"))));
    }

    private static ClusterCatalog rangedCatalog() {
        List<Column> columns = List.of(new Column("x", "BIGINT"), new Column("d", "DATE"), new Column("s", "VARCHAR"));
        List<Shard> shards = List.of(
                new Shard("bafkreia", 100, List.of("n1"), Optional.empty(), Map.of("x", new ColumnRange("1", "100"),
                        "d", new ColumnRange("2020-01-01", "2020-01-31"), "s", new ColumnRange("apple", "cherry"))),
                new Shard("bafkreib", 100, List.of("n2"), Optional.empty(), Map.of("x", new ColumnRange("101", "200"),
                        "d", new ColumnRange("2020-02-01", "2020-02-29"), "s", new ColumnRange("date", "fig"))),
                new Shard("bafkreic", 100, List.of("n3"), Optional.empty(), Map.of("x", new ColumnRange("201", "300"))));
        return new ClusterCatalog(Map.of("t", new ClusterTable("t", columns, shards)));
    }

    private List<String> nodesAsked(String sql) {
        return planner.plan(sql, rangedCatalog()).fragments().stream().map(Fragment::node).toList();
    }

    @Test
    void prunesShardsThatStatisticsRuleOut() {
        assertEquals(List.of("n2"), nodesAsked("SELECT * FROM t WHERE x BETWEEN 120 AND 150"));
        assertEquals(List.of("n1", "n3"), nodesAsked("SELECT * FROM t WHERE x IN (5, 250)"));
        assertEquals(List.of("n2", "n3"), nodesAsked("SELECT * FROM t WHERE 100 < x"));
        assertEquals(List.of("n2", "n3"), nodesAsked("SELECT * FROM t WHERE d >= DATE '2020-01-01' + INTERVAL '1' MONTH"),
                "n3 has no statistics for d: it is asked");
        assertEquals(List.of("n1", "n3"), nodesAsked("SELECT count(*) FROM t WHERE s < 'banana'"));
        assertEquals(List.of("n1", "n2", "n3"), nodesAsked("SELECT * FROM t WHERE x <> 150"));
        List<Column> columns = List.of(new Column("node", "VARCHAR"));
        ClusterCatalog logs = new ClusterCatalog(Map.of("logs", new ClusterTable("logs", columns, List.of(
                new Shard("bafkreia", 1, List.of("n1"), Optional.empty(), Map.of("node", new ColumnRange("n1", "n1"))),
                new Shard("bafkreib", 1, List.of(), Optional.empty(), Map.of("node", new ColumnRange("n2", "n2")))))));
        assertEquals(List.of("n1"), planner.plan("SELECT * FROM logs WHERE node <> 'n2'", logs).fragments().stream()
                .map(Fragment::node).toList(), "a shard of one value, the one left out, is not read (nor waited for)");
        assertEquals(List.of("n1"), planner.plan("SELECT * FROM logs WHERE node IN ('n1', 'node22')", logs).fragments()
                .stream().map(Fragment::node).toList(), "constants of different lengths are not padded to one");
        assertEquals(List.of("n1", "n2", "n3"), nodesAsked("SELECT * FROM t WHERE x + 1 = 5 OR x = 7"),
                "what it cannot read, it keeps");
        DistributedPlan plan = planner.plan("SELECT * FROM t WHERE x BETWEEN 120 AND 150", rangedCatalog());
        assertEquals(Map.of("t", List.of("bafkreia", "bafkreic")), plan.pruned());
    }

    @Test
    void aQueryAllOfWhoseShardsArePrunedAsksNoNode() {
        DistributedPlan plan = planner.plan("SELECT x, count(*) FROM t WHERE x > 1000 GROUP BY x", rangedCatalog());
        assertEquals(List.of(), plan.exchanges());
        assertTrue(plan.rootSql().isPresent());
    }

    @Test
    void aShardWithoutALiveReplicaIsAnError() {
        ClusterCatalog catalog = new ClusterCatalog(Map.of("t", new ClusterTable("t", List.of(new Column("x", "INTEGER")),
                List.of(new Shard("bafkreia", 1, List.of("n1")), new Shard("bafkreib", 1, List.of())))));
        CoddException e = assertThrows(CoddException.class, () -> planner.plan("SELECT * FROM t", catalog));
        assertEquals(ErrorCode.NO_LIVE_REPLICA, e.errorCode());
        assertEquals("No live node holds shard bafkreib of table t", e.getMessage());
    }

    @Test
    void aTableWithAProblemIsThatError() {
        ClusterCatalog catalog = new ClusterCatalog(Map.of("t", new ClusterTable("t", List.of(new Column("x", "INTEGER")),
                List.of(new Shard("bafkreia", 1, List.of("n1"))),
                Optional.of(new TableProblem(ErrorCode.SCHEMA_CONFLICT, "Table t has different schemas: ...")))));
        CoddException e = assertThrows(CoddException.class, () -> planner.plan("SELECT * FROM t", catalog));
        assertEquals(ErrorCode.SCHEMA_CONFLICT, e.errorCode());
        assertEquals("Table t has different schemas: ...", e.getMessage());
    }

    @Test
    void reportsBadSqlWithPositionsAndNames() {
        CoddException syntax = assertThrows(CoddException.class, () -> plan("SELECT *\nFROM nation WHER n_name = 'x'"));
        assertEquals(ErrorCode.SYNTAX_ERROR, syntax.errorCode());
        assertTrue(syntax.getMessage().startsWith("Syntax error at line 2, column 18"), syntax.getMessage());

        CoddException table = assertThrows(CoddException.class, () -> plan("SELECT * FROM nowhere"));
        assertEquals(ErrorCode.TABLE_NOT_FOUND, table.errorCode());
        assertTrue(table.getMessage().endsWith("Table 'nowhere' not found"), table.getMessage());

        CoddException column = assertThrows(CoddException.class, () -> plan("SELECT n_nope FROM nation"));
        assertEquals(ErrorCode.COLUMN_NOT_FOUND, column.errorCode());
        assertTrue(column.getMessage().contains("Column 'n_nope' not found"), column.getMessage());

        // a function Calcite does not know goes to DuckDB by name: DuckDB knows its own, and names the rest
        assertTrue(plan("SELECT frobnicate(n_name) FROM nation").fragments().get(0).sql()
                .startsWith("SELECT \"frobnicate\"(\"n_name\")"), plan("SELECT frobnicate(n_name) FROM nation").fragments().get(0).sql());

        CoddException write = assertThrows(CoddException.class, () -> plan("INSERT INTO nation VALUES (1, 'x', 1, 'y')"));
        assertEquals(ErrorCode.NOT_SUPPORTED, write.errorCode());
    }

    @Test
    void bindsParametersAsTypedLiterals() {
        DistributedPlan plan = planner.plan(
                "SELECT o_orderkey FROM orders WHERE o_orderdate >= ? AND o_totalprice > ? AND o_comment <> ?",
                java.util.Arrays.asList(LocalDate.of(1995, 3, 15), new BigDecimal("1000.50"), "it's één"), tpch);
        assertEquals("SELECT \"o_orderkey\" FROM \"orders\" WHERE \"o_orderdate\" >= DATE '1995-03-15' "
                + "AND \"o_totalprice\" > 1000.50 AND \"o_comment\" <> 'it''s één'", plan.fragments().get(0).sql());

        CoddException missing = assertThrows(CoddException.class,
                () -> planner.plan("SELECT * FROM orders WHERE o_orderkey = ?", List.of(), tpch));
        assertEquals(ErrorCode.INVALID_PARAMETER, missing.errorCode());
        assertEquals(1, planner.parameterCount("SELECT * FROM orders WHERE o_orderkey = ?"));
    }

    @Test
    void writesCastsDuckDbReads() {
        DistributedPlan plan = plan("SELECT CAST(o_orderkey AS VARCHAR) AS k, CAST(o_totalprice AS DOUBLE) AS p FROM orders");
        assertEquals("SELECT CAST(\"o_orderkey\" AS VARCHAR) AS \"k\", CAST(\"o_totalprice\" AS DOUBLE) AS \"p\" FROM \"orders\"",
                plan.fragments().get(0).sql());
    }

    @Test
    void keywordsStayUsableAsColumnNames() {
        ClusterCatalog catalog = new ClusterCatalog(Map.of("events", new ClusterTable("events",
                List.of(new Column("day", "DATE"), new Column("value", "DOUBLE"), new Column("year", "INTEGER")),
                List.of(new Shard("bafkreia", 1, List.of("n1"))))));
        DistributedPlan plan = planner.plan("SELECT day, value FROM events WHERE year = 2024", catalog);
        assertEquals("SELECT \"day\", \"value\" FROM \"events\" WHERE \"year\" = 2024", plan.fragments().get(0).sql());
    }

    @Test
    void duckDbTypeNamesReadAsTheTypesCalciteKnows() {
        DistributedPlan plan = plan("SELECT CAST(o_orderkey AS HUGEINT) * 2 AS h, CAST(o_custkey AS INT8) AS c FROM orders");
        String sql = plan.fragments().get(0).sql();
        assertTrue(sql.contains("CAST(\"o_orderkey\" AS DECIMAL(38, 0)) * 2"), sql);
        assertTrue(sql.contains("CAST(\"o_custkey\" AS BIGINT)") || sql.contains("\"o_custkey\" AS \"c\""), sql);
        CoddException unknown = assertThrows(CoddException.class, () -> plan("SELECT CAST(1 AS NOSUCHTYPE)"));
        assertTrue(unknown.getMessage().contains("NOSUCHTYPE"), unknown.getMessage());
        // an unsigned type is no signed one: it stays unknown rather than lose its range check
        CoddException unsigned = assertThrows(CoddException.class, () -> plan("SELECT CAST(1 AS UTINYINT)"));
        assertTrue(unsigned.getMessage().contains("UTINYINT"), unsigned.getMessage());
    }
}
