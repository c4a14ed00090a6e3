package dev.codd.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ContainerCall;
import dev.codd.common.DeclaredColumn;
import dev.codd.common.ErrorCode;
import dev.codd.planner.catalog.ClusterCatalog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How docker_map is planned: a container per node over that node's rows, work above it pushed after it. */
class DockerMapPlanTest {
    private final QueryPlanner planner = new QueryPlanner();
    private final ClusterCatalog tpch = withContainerNodes(TpchCatalogs.threeNodes(), Set.of("n1", "n2", "n3"));

    private static ClusterCatalog withContainerNodes(ClusterCatalog catalog, Set<String> nodes) {
        return new ClusterCatalog(catalog.tables(), catalog.system(), catalog.functions(), nodes);
    }

    private static String dockerMap(String input, String rest) {
        return "TABLE(docker_map(image => 'scorer:1', command => ARRAY['score', '--fast'], input => " + input
                + ", output_schema => 'label VARCHAR, score DOUBLE'" + rest + "))";
    }

    @Test
    void eachNodeMapsItsOwnRowsAndSendsPartialAggregates() {
        DistributedPlan plan = planner.plan("SELECT label, count(*) AS n FROM " + dockerMap(
                "TABLE(SELECT o_orderpriority, o_totalprice FROM orders WHERE o_totalprice > 10)",
                ", env => MAP['TOKEN', 'secret:api-token']") + " WHERE score > 0.5 GROUP BY label", tpch);
        assertEquals(List.of("n1", "n2", "n3"), plan.fragments().stream().map(Fragment::node).toList());
        ContainerCall call = new ContainerCall("scorer:1", List.of("score", "--fast"), ContainerCall.Format.CSV,
                List.of(new DeclaredColumn("label", "VARCHAR"), new DeclaredColumn("score", "DOUBLE")),
                Map.of("TOKEN", "secret:api-token"));
        for (Fragment fragment : plan.fragments()) {
            assertEquals(List.of(new DockerStage("docker_output_0", call,
                    "SELECT \"o_orderpriority\", \"o_totalprice\" FROM \"orders\" WHERE \"o_totalprice\" > 10.00")),
                    fragment.docker());
            // the filter on the container's output runs after it, on the node
            assertEquals("SELECT \"label\", COUNT(*) AS \"n\" FROM \"docker_output_0\" WHERE \"score\" > 5E-1"
                    + " GROUP BY \"label\"", fragment.sql());
        }
        assertEquals("SELECT \"label\", CAST(COALESCE(SUM(\"n\"), 0) AS BIGINT) AS \"n\" FROM \"exchange_0\""
                + " GROUP BY \"label\"", plan.rootSql().orElseThrow());
    }

    @Test
    void theInputMayBeATableOrAParenthesizedQueryAndTheFormatChosen() {
        for (String input : List.of("TABLE orders", "(SELECT * FROM orders)")) {
            DistributedPlan plan = planner.plan("SELECT * FROM " + dockerMap(input, ", format => 'arrow'"), tpch);
            assertEquals(3, plan.fragments().size());
            DockerStage stage = plan.fragments().get(0).docker().get(0);
            assertEquals(ContainerCall.Format.ARROW, stage.call().format());
            assertTrue(stage.inputSql().contains("FROM \"orders\""), stage.inputSql());
        }
    }

    @Test
    void onlyNodesThatRunContainersGetDockerWork() {
        // nation lies whole on every node: its container runs on the one node that runs containers
        ClusterCatalog oneNode = withContainerNodes(TpchCatalogs.threeNodes(), Set.of("n3"));
        DistributedPlan plan = planner.plan("SELECT * FROM " + dockerMap("TABLE nation", ""), oneNode);
        assertEquals(List.of("n3"), plan.fragments().stream().map(Fragment::node).toList());
        // orders has a shard on n1 only
        CoddException refused = assertThrows(CoddException.class,
                () -> planner.plan("SELECT * FROM " + dockerMap("TABLE orders", ""), oneNode));
        assertEquals(ErrorCode.NOT_SUPPORTED, refused.errorCode());
        assertTrue(refused.getMessage().contains("node n1 holds input shards but runs no containers; the nodes that do"
                + " (n3) hold no replica of them"), refused.getMessage());
        CoddException none = assertThrows(CoddException.class,
                () -> planner.plan("SELECT * FROM " + dockerMap("TABLE orders", ""), TpchCatalogs.threeNodes()));
        assertTrue(none.getMessage().contains("no node of the cluster does"), none.getMessage());
    }

    @Test
    void callsThatDifferOnlyInTheirEnvironmentStayTwoCalls() {
        DistributedPlan plan = planner.plan("SELECT * FROM " + dockerMap("TABLE nation", ", env => MAP['MODE', 'a']")
                + " UNION ALL SELECT * FROM " + dockerMap("TABLE nation", ", env => MAP['MODE', 'b']"), tpch);
        assertEquals(Set.of(Map.of("MODE", "a"), Map.of("MODE", "b")), plan.fragments().stream()
                .flatMap(fragment -> fragment.docker().stream()).map(stage -> stage.call().env())
                .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void describingTheResultRunsNoContainer() {
        DistributedPlan plan = planner.describe("SELECT * FROM " + dockerMap("TABLE orders", ""), tpch);
        assertEquals(List.of(), plan.fragments());
        assertEquals(List.of("label", "score"), plan.columnNames());
    }

    @Test
    void tableArgumentsAreRewrittenOnlyOutsideStringsAndComments() {
        assertEquals("SELECT 'TABLE(SELECT 1)' -- TABLE(SELECT\n FROM f(      (SELECT 1))",
                TableArguments.parseable("SELECT 'TABLE(SELECT 1)' -- TABLE(SELECT\n FROM f(TABLE (SELECT 1))"));
    }

    @Test
    void badCallsFailNamingWhatIsWrong() {
        assertFails(ErrorCode.INVALID_ARGUMENT, "output_schema: type BLOB cannot be declared",
                "SELECT * FROM TABLE(docker_map(image => 'a', command => ARRAY['x'], input => TABLE orders,"
                        + " output_schema => 'data BLOB'))");
        assertFails(ErrorCode.INVALID_ARGUMENT, "output_schema: 'score' is not a column",
                "SELECT * FROM TABLE(docker_map(image => 'a', command => ARRAY['x'], input => TABLE orders,"
                        + " output_schema => 'score'))");
        assertFails(ErrorCode.INVALID_ARGUMENT, "format 'xml' is not one of 'csv', 'jsonl', 'arrow'",
                "SELECT * FROM " + dockerMap("TABLE orders", ", format => 'xml'"));
        assertFails(ErrorCode.INVALID_ARGUMENT, "command must be an ARRAY of string literals",
                "SELECT * FROM TABLE(docker_map(image => 'a', command => 'x', input => TABLE orders,"
                        + " output_schema => 'a INTEGER'))");
        assertFails(ErrorCode.INVALID_ARGUMENT, "env name 'NOT A NAME' is not a variable name",
                "SELECT * FROM " + dockerMap("TABLE orders", ", env => MAP['NOT A NAME', 'x']"));
        assertFails(ErrorCode.NOT_SUPPORTED, "docker_map runs on the nodes that hold its input",
                "SELECT * FROM " + dockerMap("TABLE(SELECT o_orderpriority, count(*) FROM orders GROUP BY 1)", ""));
        assertFails(ErrorCode.NOT_SUPPORTED, "docker_map over the output of another docker_map",
                "SELECT * FROM TABLE(docker_map(image => 'a', command => ARRAY['x'], input => TABLE(SELECT * FROM "
                        + dockerMap("TABLE orders", "") + "), output_schema => 'a INTEGER'))");
    }

    private void assertFails(ErrorCode code, String message, String sql) {
        CoddException failed = assertThrows(CoddException.class, () -> planner.plan(sql, tpch));
        assertEquals(code, failed.errorCode(), failed.getMessage());
        assertTrue(failed.getMessage().contains(message), failed.getMessage());
    }
}
