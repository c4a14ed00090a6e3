package dev.codd.tests;

import static dev.codd.tests.QueryAssertions.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.node.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker_map against a real Docker engine: a sharded table on three nodes passes through busybox
 * containers on the nodes, and the answers equal the same transform written in SQL over DuckDB
 * alone. The containers are locked down, misbehaving ones fail only their query, and each is gone
 * afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerMapTest {
    private static final String SECRET = "s3cr3t-t0ken-value-42";
    private static final String PAYMENTS = "SELECT range AS id,"
            + " ['north', 'south', 'east', 'west'][(range % 4 + 1)::INTEGER] AS region,"
            + " ((range % 1000) * 1.5)::DOUBLE AS amount,"
            + " ['plain', 'with, comma', 'with \"quote\"', '', NULL][(range % 5 + 1)::INTEGER] AS note";

    private DockerClient docker;
    private LocalCluster cluster;
    private Connection codd;
    private Connection duckdb;
    private Path root;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        this.root = root;
        docker = TestImages.engineWithImages();
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        List<Path> nodes = new ArrayList<>();
        try (Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Path table = Files.createDirectories(root.resolve("node" + (i + 1)).resolve("payments"));
                statement.execute("COPY (" + PAYMENTS + " FROM range(" + i * 2_000 + ", " + (i + 1) * 2_000 + ")) TO '"
                        + table.resolve("part.parquet") + "'");
                nodes.add(table.getParent());
            }
            statement.execute("CREATE VIEW payments AS SELECT * FROM '" + root + "/node*/payments/*.parquet'");
        }
        Path secrets = Files.writeString(root.resolve("secrets"), "# test secrets\napi-token=" + SECRET + "\n");
        DockerSettings settings = DockerSettings.defaults(List.of(TestImages.BUSYBOX))
                .withHost(TestImages.host())
                .withTimeout(Duration.ofSeconds(4))
                .withMaxOutputBytes(1 << 20);
        // a container an earlier run of node1 left behind (killed before it could remove it)
        String leftover = docker.createContainerCmd(TestImages.BUSYBOX).withCmd("sleep", "600")
                .withLabels(Map.of("dev.codd.node", "node1")).exec().getId();
        docker.startContainerCmd(leftover).exec();
        cluster = LocalCluster.withDocker(nodes, settings, Secrets.load(secrets, List.of(), Map.of()));
        assertEquals(List.of(), containersOfCluster(), "a starting node removes what it left behind");
        codd = DriverManager.getConnection(cluster.jdbcUrl());
    }

    @AfterAll
    void stop() throws Exception {
        if (codd != null) { // null when the tests skipped for want of an engine, before anything started
            codd.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (duckdb != null) {
            duckdb.close();
        }
    }

    /** Whatever a test did, no container of the cluster's is left, and the nodes still answer. */
    @AfterEach
    void nothingLeftBehind() throws Exception {
        // a node whose fragment is cancelled (another node's failed first) removes its container as it stops
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!containersOfCluster().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), containersOfCluster(), "containers left behind");
        assertEquals(List.of(List.of(6000L)), numbers(codd, "SELECT count(*) FROM payments"));
    }

    private List<Container> containersOfCluster() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of("dev.codd.node")).exec();
    }

    private static String dockerMap(String command, String input, String schema, String rest) {
        return "TABLE(docker_map(image => '" + TestImages.BUSYBOX + "', command => ARRAY['sh', '-c', '"
                + command.replace("'", "''") + "'], input => TABLE(" + input + "), output_schema => '" + schema + "'"
                + rest + "))";
    }

    @Test
    void csvRowsPassThroughContainersOnEveryNodeAndMergeLikeSql() throws Exception {
        String map = dockerMap("awk -F, 'NR == 1 { print \"region,doubled,id\"; next }"
                        + " { print $1 \",\" $2 * 2 \",\" $3 }'",
                "SELECT region, amount, id FROM payments WHERE amount > 300", "region VARCHAR, doubled DOUBLE, id BIGINT", "");
        String sql = "SELECT region, count(*) AS n, sum(doubled) AS total, sum(id) AS ids FROM " + map
                + " GROUP BY region ORDER BY region";
        assertEquals(numbers(duckdb, "SELECT region, count(*), sum(amount * 2), sum(id) FROM payments WHERE amount > 300"
                + " GROUP BY region ORDER BY region"), numbers(codd, sql));
        String plan = numbers(codd, "EXPLAIN " + sql).toString();
        for (String node : List.of("node1", "node2", "node3")) {
            assertTrue(plan.contains(node), "a container runs on " + node + ": " + plan);
        }
        // each node's audit record names the image by its ID
        String imageId = docker.inspectImageCmd(TestImages.BUSYBOX).exec().getId();
        assertEquals(List.of(List.of("node1"), List.of("node2"), List.of("node3")), numbers(codd, "SELECT DISTINCT node"
                + " FROM sys.node_audit WHERE type = 'fragment.started' AND data LIKE '%\"imageId\":\"" + imageId
                + "\"%' ORDER BY node"));
    }

    @Test
    void csvQuotingAndNullsSurviveTheRoundTrip() throws Exception {
        String map = dockerMap("cat", "SELECT id, note FROM payments", "id BIGINT, note VARCHAR", "");
        assertEquals(numbers(duckdb, "SELECT note, count(*), sum(id) FROM payments GROUP BY note ORDER BY note"),
                numbers(codd, "SELECT note, count(*), sum(id) FROM " + map + " GROUP BY note ORDER BY note"));
    }

    @Test
    void jsonLinesInJsonLinesOut() throws Exception {
        String map = dockerMap("sed -e 's/\"region\"/\"area\"/'", "SELECT id, region FROM payments WHERE id % 7 = 0",
                "id BIGINT, area VARCHAR", ", format => 'jsonl'");
        assertEquals(numbers(duckdb, "SELECT region, count(*), sum(id) FROM payments WHERE id % 7 = 0 GROUP BY region"
                + " ORDER BY region"), numbers(codd, "SELECT area, count(*), sum(id) FROM " + map + " GROUP BY area ORDER BY area"));
    }

    @Test
    void arrowStreamsPassThroughAsTheyAre() throws Exception {
        String map = dockerMap("cat", "SELECT id, region, amount FROM payments", "id BIGINT, region VARCHAR, amount DOUBLE",
                ", format => 'arrow'");
        assertEquals(numbers(duckdb, "SELECT count(*), sum(id), sum(amount), count(DISTINCT region) FROM payments"),
                numbers(codd, "SELECT count(*), sum(id), sum(amount), count(DISTINCT region) FROM " + map));
    }

    @Test
    void secretsReachTheContainerAndNothingElse() throws Exception {
        String map = dockerMap("read header; printf \"digest\\n\"; printf %s \"$TOKEN\" | sha256sum | cut -c1-64",
                "SELECT id FROM payments WHERE id = 1", "digest VARCHAR", ", env => MAP['TOKEN', 'secret:api-token']");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(List.of(expected)), numbers(codd, "SELECT * FROM " + map));
        for (String table : List.of("sys.queries", "sys.audit", "sys.node_audit")) {
            assertFalse(numbers(codd, "SELECT * FROM " + table).toString().contains(SECRET), table);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).filter(file -> !file.endsWith("secrets")).toList()) {
                assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(SECRET), file.toString());
            }
        }
        // what the container says on stderr reaches error messages with the secret hidden
        SQLException told = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap(
                "echo \"token is $TOKEN\" >&2; exit 1", "SELECT id FROM payments WHERE id = 1", "id BIGINT",
                ", env => MAP['TOKEN', 'secret:api-token']")));
        assertTrue(told.getMessage().contains("token is [secret:api-token]"), told.getMessage());
        assertFalse(told.getMessage().contains(SECRET), told.getMessage());
        SQLException missing = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap("cat",
                "SELECT id FROM payments WHERE id = 1", "id BIGINT", ", env => MAP['TOKEN', 'secret:nope']")));
        assertTrue(missing.getMessage().contains("has no secret named 'nope'"), missing.getMessage());
        assertEquals("22023", missing.getSQLState());
    }

    @Test
    void containersAreLockedDown() throws Exception {
        String probe = "read header; echo check,value;"
                + " echo uid,$(id -u);"
                + " echo caps,$(grep CapEff /proc/self/status | tr -d \"\\t\" | cut -d: -f2);"
                + " echo nonewprivs,$(grep NoNewPrivs /proc/self/status | tr -d \"\\t\" | cut -d: -f2);"
                + " touch /written 2>/dev/null && echo root,writable || echo root,read-only;"
                + " touch /tmp/written && echo tmp,writable || echo tmp,read-only;"
                + " echo networks,$(ls /sys/class/net | tr \"\\n\" \" \");"
                + " test -e /var/run/docker.sock && echo socket,present || echo socket,absent;"
                + " echo pids,$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max);"
                + " sleep 3"; // alive while the test looks at it, however long the engine takes to start it
        String sql = "SELECT * FROM " + dockerMap(probe, "SELECT id FROM payments WHERE id = 1",
                "check VARCHAR, value VARCHAR", "");
        CompletableFuture<List<List<Object>>> running = CompletableFuture.supplyAsync(() -> {
            try {
                return numbers(codd, sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        // other tests' containers may still be on their way out: look for this probe's, and look again if it went
        InspectContainerResponse container = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (container == null && !running.isDone() && System.nanoTime() < deadline) {
            Optional<Container> probing = containersOfCluster().stream()
                    .filter(found -> found.getCommand().contains("nonewprivs")).findFirst();
            try {
                container = probing.isEmpty() ? null : docker.inspectContainerCmd(probing.get().getId()).exec();
            } catch (NotFoundException removedMeanwhile) {
                container = null;
            }
            if (container == null) {
                Thread.sleep(20);
            }
        }
        assertTrue(container != null, "the container was never seen running");
        HostConfig host = container.getHostConfig();
        assertEquals("none", host.getNetworkMode());
        assertTrue(host.getReadonlyRootfs());
        assertEquals(List.of(Capability.ALL), List.of(host.getCapDrop()));
        assertEquals(List.of("no-new-privileges"), host.getSecurityOpts());
        assertEquals("65534:65534", container.getConfig().getUser());
        assertEquals(256L << 20, host.getMemory());
        assertEquals(1_000_000_000L, host.getNanoCPUs());
        assertEquals(64L, host.getPidsLimit());
        assertTrue(host.getTmpFs().get("/tmp").contains("size=" + (64L << 20)), host.getTmpFs().toString());
        assertTrue(host.getBinds() == null || host.getBinds().length == 0, "nothing of the node is mounted");
        assertEquals(List.of(List.of("uid", "65534"), List.of("caps", "0000000000000000"), List.of("nonewprivs", "1"),
                List.of("root", "read-only"), List.of("tmp", "writable"), List.of("networks", "lo"),
                List.of("socket", "absent"), List.of("pids", "64")), running.get());
    }

    @Test
    void aFailingContainerFailsItsQueryWithTheEndOfItsStderr() {
        SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap(
                "cat > /dev/null; echo starting >&2; echo the model file is missing >&2; exit 3",
                "SELECT id FROM payments", "id BIGINT", "")));
        assertEquals("38000", failed.getSQLState());
        assertTrue(failed.getMessage().contains("exited with code 3"), failed.getMessage());
        assertTrue(failed.getMessage().contains("the model file is missing"), failed.getMessage());
    }

    @Test
    void anInputThatFailsMidwayFailsTheQueryInsteadOfReturningPartOfIt() {
        // the cast fails on the first row whose note is not a number, after rows have gone to the container
        SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT count(*) FROM " + dockerMap(
                "cat", "SELECT CASE WHEN id < 1500 THEN '1' ELSE note END::INTEGER AS n FROM payments", "n INTEGER", "")));
        assertTrue(failed.getMessage().contains("Could not convert string"), failed.getMessage());
    }

    @Test
    void outputOffTheSchemaIsRefusedNamingLineAndColumn() {
        SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap(
                "cat > /dev/null; echo label,score; echo good,1.5; echo bad,high", "SELECT id FROM payments",
                "label VARCHAR, score DOUBLE", "")));
        assertEquals("38000", failed.getSQLState());
        assertTrue(failed.getMessage().contains("does not match output_schema at line 3: column score: 'high' is not a DOUBLE"),
                failed.getMessage());
        SQLException header = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap(
                "cat > /dev/null; echo name,score; echo a,1", "SELECT id FROM payments", "label VARCHAR, score DOUBLE", "")));
        assertTrue(header.getMessage().contains("the CSV header is 'name,score'"), header.getMessage());
    }

    @Test
    void aContainerThatNeverEndsIsKilledAtTheTimeLimit() {
        long start = System.nanoTime();
        SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap(
                "sleep 1000", "SELECT id FROM payments", "id BIGINT", "")));
        assertTrue(failed.getMessage().contains("ran longer than the node's time limit of 4 s"), failed.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
    }

    @Test
    void aContainerThatFloodsStdoutIsStoppedAtTheOutputLimit() {
        SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT count(*) FROM " + dockerMap(
                "echo line; yes", "SELECT id FROM payments", "line VARCHAR", "")));
        assertTrue(failed.getMessage().contains("wrote more than the node's output limit of 1048576 bytes"),
                failed.getMessage());
    }

    @Test
    void aContainerHasNoNetwork() {
        SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM " + dockerMap(
                "nc -w 2 1.1.1.1 80 < /dev/null", "SELECT id FROM payments WHERE id = 1", "page VARCHAR", "")));
        assertTrue(failed.getMessage().contains("exited with code 1"), failed.getMessage());
        assertTrue(failed.getMessage().contains("Network is unreachable"), failed.getMessage());
    }

    @Test
    void imagesOffTheNodesListAreRefused() {
        docker.tagImageCmd(TestImages.BUSYBOX, "codd-test/unlisted", "1").exec();
        SQLException refused = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM TABLE(docker_map("
                + "image => 'codd-test/unlisted:1', command => ARRAY['cat'], input => TABLE(SELECT id FROM payments),"
                + " output_schema => 'id BIGINT'))"));
        assertEquals("42501", refused.getSQLState());
        assertTrue(refused.getMessage().contains("does not run image 'codd-test/unlisted:1': it accepts "
                + TestImages.BUSYBOX), refused.getMessage());
        assertFalse(refused.getMessage().matches("(?s).*Node node\\d: .*"), "the node is named once: " + refused.getMessage());
        SQLException unknown = assertThrows(SQLException.class, () -> numbers(codd, "SELECT * FROM TABLE(docker_map("
                + "image => 'no-such/image:9', command => ARRAY['cat'], input => TABLE(SELECT id FROM payments),"
                + " output_schema => 'id BIGINT'))"));
        assertTrue(unknown.getMessage().contains("Image 'no-such/image:9' is not on node"), unknown.getMessage());
    }

    @Test
    void aNodeWithoutAnEngineAdvertisesItAndGetsNoDockerWork(@TempDir Path other) throws Exception {
        assertEquals(List.of(List.of(true), List.of(true), List.of(true)),
                numbers(codd, "SELECT containers FROM sys.nodes ORDER BY name"));
        Path data = Files.createDirectories(other.resolve("node").resolve("payments"));
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + PAYMENTS + " FROM range(10)) TO '" + data.resolve("part.parquet") + "'");
        }
        DockerSettings noEngine = DockerSettings.defaults(List.of(TestImages.BUSYBOX))
                .withHost("unix://" + other.resolve("no-docker.sock"));
        try (LocalCluster lonely = LocalCluster.withDocker(List.of(data.getParent()), noEngine, Secrets.NONE);
                Connection connection = DriverManager.getConnection(lonely.jdbcUrl())) {
            assertEquals(List.of(List.of(false)), numbers(connection, "SELECT containers FROM sys.nodes"));
            SQLException refused = assertThrows(SQLException.class, () -> numbers(connection, "SELECT * FROM "
                    + dockerMap("cat", "SELECT id FROM payments", "id BIGINT", "")));
            assertEquals("0A000", refused.getSQLState());
            assertTrue(refused.getMessage().contains("node node1 holds input shards but runs no containers; no node of"
                    + " the cluster does"), refused.getMessage());
        }
    }
}
