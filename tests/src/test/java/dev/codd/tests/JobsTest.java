package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.Cid;
import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.node.LocalCluster;
import dev.codd.node.cli.CoddCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs through the real CLI ({@code codd job …}) against a cluster of three nodes and a real
 * Docker engine: a job over a table's shards reads them at /inputs on each node, its outputs come
 * back by CID, and its history, logs and failures are what a user would expect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsTest {
    private static final Pattern JOB_ID = Pattern.compile("Job ([0-9a-f-]{36}) on ");

    private final List<Path> nodes = new ArrayList<>();
    private LocalCluster cluster;
    private Connection codd;
    private String requester;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        TestImages.engineWithImages();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Path table = Files.createDirectories(root.resolve("node" + (i + 1)).resolve("events"));
                for (int part = 0; part < 2; part++) {
                    statement.execute("COPY (SELECT range AS id, 'event ' || range AS name FROM range(" + (i * 100 + part * 10)
                            + ", " + (i * 100 + part * 10 + 5 + i) + ")) TO '" + table.resolve("part" + part + ".csv") + "'");
                }
                nodes.add(table.getParent());
            }
        }
        cluster = LocalCluster.withDocker(nodes, settings(), Secrets.NONE);
        codd = DriverManager.getConnection(cluster.jdbcUrl());
        requester = cluster.requester().address().toString();
    }

    private static DockerSettings settings() {
        return DockerSettings.defaults(List.of(TestImages.BUSYBOX)).withHost(TestImages.host())
                .withTimeout(Duration.ofSeconds(5)).withMaxOutputBytes(1 << 20);
    }

    @AfterAll
    void stop() throws Exception {
        if (codd != null) { // null when the tests skipped for want of an engine, before anything started
            codd.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The exit code and what the command printed. */
    private record Run(int exitCode, String out, String err) {}

    private Run codd(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = CoddCommand.run(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String jobId(Run run) {
        Matcher matcher = JOB_ID.matcher(run.out());
        assertTrue(matcher.find(), run.out() + run.err());
        return matcher.group(1);
    }

    @Test
    void aJobOverATableRunsOnEachNodeWithItsShardsAndItsOutputsComeBackByCid(@TempDir Path fetched) throws Exception {
        Run run = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--table", "events", "--",
                "sh", "-c", "for f in /inputs/*; do wc -l < $f > /outputs/$(basename $f).lines; done;"
                        + " touch /inputs/new 2>/dev/null && echo inputs writable || echo inputs read-only;"
                        + " mkdir /outputs/sub && id -u > /outputs/sub/uid");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        String id = jobId(run);
        assertTrue(run.out().contains("node1: COMPLETED") && run.out().contains("node3: COMPLETED"), run.out());

        Run get = codd("job", "get", "--requester", requester, id, fetched.toString());
        assertEquals(0, get.exitCode(), get.out() + get.err());
        for (int i = 0; i < 3; i++) {
            Path outputs = fetched.resolve("node" + (i + 1));
            for (int part = 0; part < 2; part++) {
                long lines = Files.readAllLines(nodes.get(i).resolve("events").resolve("part" + part + ".csv")).size();
                assertEquals(String.valueOf(lines), Files.readString(outputs.resolve("part" + part + ".csv.lines")).strip());
            }
            assertEquals("65534", Files.readString(outputs.resolve("sub/uid")).strip());
        }
        // the CIDs the job recorded are those of the fetched bytes, and sys.job_outputs lists them
        List<String> recorded = new ArrayList<>();
        try (Statement statement = codd.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT node, path, cid, bytes FROM sys.job_outputs WHERE job_id = '" + id + "' ORDER BY node, path")) {
            while (rows.next()) {
                Path file = fetched.resolve(rows.getString(1)).resolve(rows.getString(2));
                assertEquals(Cid.of(file), rows.getString(3));
                assertEquals(Files.size(file), rows.getLong(4));
                recorded.add(rows.getString(1) + "/" + rows.getString(2));
            }
        }
        assertEquals(9, recorded.size(), recorded.toString());

        Run logs = codd("job", "logs", "--requester", requester, id);
        assertEquals(3, logs.out().split("inputs read-only", -1).length - 1, logs.out());

        String whole = codd("job", "describe", "--requester", requester, id).out();
        String described = whole.substring(whole.indexOf("\"history\""));
        List<String> states = new ArrayList<>();
        Matcher event = Pattern.compile("\"node\" : (null|\"node\\d\"),\\s*\"state\" : \"(\\w+)\"").matcher(described);
        while (event.find()) {
            states.add((event.group(1).equals("null") ? "job" : event.group(1).replace("\"", "")) + " " + event.group(2));
        }
        assertEquals("job QUEUED", states.get(0), described);
        assertEquals("job COMPLETED", states.get(states.size() - 1), described);
        for (String node : List.of("node1", "node2", "node3")) {
            assertTrue(states.indexOf(node + " RUNNING") >= 0 && states.indexOf(node + " RUNNING")
                    < states.indexOf(node + " COMPLETED"), states.toString());
        }
        assertTrue(codd("job", "list", "--requester", requester).out().contains(id + "  COMPLETED"));
        try (Statement statement = codd.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT state, image, table_name, nodes FROM sys.jobs WHERE job_id = '" + id + "'")) {
            assertTrue(rows.next());
            assertEquals(List.of("COMPLETED", TestImages.BUSYBOX, "events", "node1,node2,node3"),
                    List.of(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
        }
        try (Statement statement = codd.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT count(*) FROM sys.node_audit WHERE type IN ('job.started', 'job.ended') AND data LIKE '%" + id + "%'")) {
            assertTrue(rows.next());
            assertEquals(6, rows.getLong(1), "each node records the job's start and end");
        }
    }

    @Test
    void labelsChooseTheNodes() {
        Run run = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--nodes", "node=node2",
                "--", "sh", "-c", "ls /inputs 2>/dev/null | wc -l");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("on node2\n"), run.out());
        Run none = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--nodes", "region=mars",
                "--", "true");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("No live node that runs containers carries the labels {region=mars}"), none.err());
    }

    @Test
    void aFailingJobSaysWhyAndKeepsItsLogs() {
        Run run = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--table", "events", "--",
                "sh", "-c", "echo looking for the model; echo model missing >&2; exit 4");
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("exited with code 4"), run.out());
        assertTrue(run.out().endsWith("FAILED\n"), run.out());
        Run logs = codd("job", "logs", "--requester", requester, jobId(run));
        assertTrue(logs.out().contains("model missing"), logs.out());

        Run flood = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--nodes", "node=node1",
                "--", "sh", "-c", "while true; do head -c 100000 /dev/zero >> /outputs/flood; sleep 0.05; done");
        assertEquals(1, flood.exitCode());
        assertTrue(flood.out().contains("was stopped: it wrote more than the node's output limit of 1048576 bytes to"
                + " /outputs"), flood.out());

        Run slow = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--nodes", "node=node1",
                "--", "sleep", "600");
        assertEquals(1, slow.exitCode());
        assertTrue(slow.out().contains("was stopped: it ran longer than the node's time limit of 5 s"), slow.out());
    }

    @Test
    void aJobTheRequesterCannotRecordIsRefusedAndNotKept(@TempDir Path root) throws Exception {
        Path node = Files.createDirectories(root.resolve("node1").resolve("events")).getParent();
        Files.writeString(node.resolve("events").resolve("part0.csv"), "id,name\n1,one\n");
        try (LocalCluster broken = LocalCluster.withDocker(List.of(node), settings(), Secrets.NONE)) {
            broken.requester().audit().orElseThrow().close(); // as if its disk had failed: nothing more can be written
            String at = broken.requester().address().toString();
            Run run = codd("job", "run", "--requester", at, "--image", TestImages.BUSYBOX, "--table", "events", "--", "true");
            assertEquals(1, run.exitCode());
            assertTrue(run.err().contains("The audit log in") && run.err().contains("is closed"), run.out() + run.err());
            Run list = codd("job", "list", "--requester", at);
            assertEquals(0, list.exitCode(), list.err());
            assertFalse(list.out().contains(TestImages.BUSYBOX), "a refused job is not kept: " + list.out());
        }
    }

    @Test
    void badRequestsAreClearErrors() {
        Run unlisted = codd("job", "run", "--requester", requester, "--image", "codd-test/unlisted:2", "--table", "events",
                "--", "true");
        assertEquals(1, unlisted.exitCode());
        assertTrue(unlisted.out().contains("not on node") || unlisted.out().contains("does not run image"), unlisted.out());
        assertFalse(unlisted.out().matches("(?s).*Node node\\d: .*"), "each node is named once: " + unlisted.out());
        Run table = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--table", "nope", "--", "true");
        assertEquals(1, table.exitCode());
        assertTrue(table.err().contains("Table 'nope' not found"), table.err());
        Run where = codd("job", "run", "--requester", requester, "--image", TestImages.BUSYBOX, "--", "true");
        assertEquals(1, where.exitCode());
        assertTrue(where.err().contains("Say where the job runs"), where.err());
        Run unknown = codd("job", "describe", "--requester", requester, "no-such-job");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("No job no-such-job"), unknown.err());
    }
}
