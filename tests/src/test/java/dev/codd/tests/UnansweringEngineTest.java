package dev.codd.tests;

import static dev.codd.tests.QueryAssertions.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.codd.common.CoddException;
import dev.codd.executors.docker.ContainerRun;
import dev.codd.executors.docker.DockerEngine;
import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.node.LocalCluster;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose Docker engine stops answering: the real engine, behind a door on a unix socket (as
 * the engine's own, whose reads have no timeout) that stops passing bytes as a hung engine would. The engine's requests then fail after the node's answer timeout,
 * and the queries that needed them fail saying so; the node itself goes on, and recovers with the
 * engine. Without the timeout every one of these waits for ever, and the class's timeout fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung read ignores interrupts
class UnansweringEngineTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    private static final String NODE = "unanswered";

    private DockerClient docker;
    private HangingDoor door;
    private DockerEngine engine;

    @BeforeAll
    void connect() throws IOException {
        docker = TestImages.engineWithImages();
        door = new HangingDoor(TestImages.host());
        engine = DockerEngine.connect(settings(), NODE).engine().orElseThrow();
    }

    private DockerSettings settings() {
        return DockerSettings.defaults(List.of(TestImages.BUSYBOX)).withHost(door.host())
                .withTimeout(Duration.ofMinutes(5)).withAnswerTimeout(ANSWER_TIMEOUT);
    }

    @AfterAll
    void close() throws IOException {
        if (engine != null) {
            engine.close();
        }
        if (door != null) {
            door.close();
        }
    }

    @AfterEach
    void answerAgain() {
        door.answer();
    }

    @Test
    void aContainerCannotStartWhileTheEngineDoesNotAnswerAndStartsOnceItDoes() throws Exception {
        DockerEngine.Image image = engine.image(TestImages.BUSYBOX);
        door.hang();
        long start = System.nanoTime();
        CoddException failed = assertThrows(CoddException.class,
                () -> engine.start(image, List.of("cat"), Map.of(), text -> text, "unanswered-test"));
        assertTrue(failed.getMessage().contains("the engine did not answer within 5 s"), failed.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "it gave up long after the answer timeout");
        door.answer();
        try (ContainerRun run = engine.start(image, List.of("cat"), Map.of(), text -> text, "unanswered-test")) {
            try (var stdin = run.stdin()) {
                stdin.write("still here\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("still here\n", new String(run.stdout().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of(), containersOfNode());
    }

    @Test
    void aKillReturnsWhileTheEngineDoesNotAnswerAndReadingOnSaysWhy() throws Exception {
        try (ContainerRun run = engine.start(engine.image(TestImages.BUSYBOX), List.of("sleep", "600"), Map.of(),
                text -> text, "unanswered-test")) {
            door.hang();
            run.kill("the test stopped it"); // the engine never hears of it
            InputStream stdout = run.stdout();
            CoddException stopped = assertThrows(CoddException.class, stdout::read);
            assertTrue(stopped.getMessage().contains("was stopped: the test stopped it"), stopped.getMessage());
            door.answer();
        } // closing kills and removes it, now that the engine answers
        assertEquals(List.of(), containersOfNode());
    }

    /**
     * The timeout is for the engine's answers, not for containers: a job's container is looked at
     * four times a second, a docker_map container's output comes on a connection of its own. Both
     * run at once here.
     */
    @Test
    void containersThatRunLongerThanTheAnswerTimeoutAreNotTakenForAHungEngine(@TempDir Path root) throws Exception {
        DockerEngine.Image image = engine.image(TestImages.BUSYBOX);
        String longer = "sleep " + (ANSWER_TIMEOUT.toSeconds() + 1);
        try (ContainerRun run = engine.start(image, List.of("sh", "-c", longer + "; cat"), Map.of(), text -> text,
                "unanswered-test")) {
            Path outputs = Files.createDirectories(root.resolve("outputs"));
            Files.setPosixFilePermissions(outputs, PosixFilePermissions.fromString("rwxrwxrwx"));
            DockerEngine.JobResult job = engine.runJob(image, List.of("sh", "-c", longer + "; echo done > /outputs/result"),
                    Map.of(), Map.of(), outputs, "unanswered-test");
            assertEquals(0, job.exitCode(), job.logs());
            assertNull(job.killedBecause());
            assertEquals("done", Files.readString(outputs.resolve("result")).strip());
            try (var stdin = run.stdin()) {
                stdin.write("late\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("late\n", new String(run.stdout().readAllBytes(), StandardCharsets.UTF_8));
            run.awaitSuccess();
        }
        assertEquals(List.of(), containersOfNode());
    }

    @Test
    void aJobFailsWhenTheEngineStopsAnsweringWhileItRuns(@TempDir Path outputs) throws Exception {
        DockerEngine.Image image = engine.image(TestImages.BUSYBOX);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<DockerEngine.JobResult> job = runner.submit(() -> engine.runJob(image, List.of("sleep", "600"),
                    Map.of(), Map.of(), outputs, "unanswered-test"));
            awaitRunning(); // so that what hangs is the node's watch of the job, not its start
            door.hang();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> job.get(60, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("the engine did not answer within 5 s"),
                    failed.getCause().getMessage());
        } finally {
            runner.shutdownNow();
        }
        door.answer();
        // its removal was lost to the hang too: the node tries again until the engine takes it
        awaitNoContainersOf(NODE);
    }

    /** Waits until a container of the node runs, and a little longer, so that the engine is done starting it. */
    private void awaitRunning() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (docker.listContainersCmd().withLabelFilter(Map.of("dev.codd.node", NODE)).exec().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the job's container never ran");
            Thread.sleep(50);
        }
        Thread.sleep(1_000);
    }

    @Test
    void aDockerMapQueryFailsSayingTheEngineDidNotAnswerAndTheNodeRecordsIt(@TempDir Path root) throws Exception {
        Path data = Files.createDirectories(root.resolve("node1").resolve("numbers"));
        Files.writeString(data.resolve("part.csv"), "n\n1\n2\n3\n");
        String map = "TABLE(docker_map(image => '" + TestImages.BUSYBOX + "', command => ARRAY['cat'],"
                + " input => TABLE(SELECT n FROM numbers), output_schema => 'n BIGINT'))";
        try (LocalCluster cluster = LocalCluster.withDocker(List.of(data.getParent()), settings(), Secrets.NONE);
                Connection codd = DriverManager.getConnection(cluster.jdbcUrl())) {
            assertEquals(List.of(List.of(6L)), numbers(codd, "SELECT sum(n) FROM " + map));
            awaitNoContainersOf("node1"); // its removal is not lost to the hang
            door.hang();
            SQLException failed = assertThrows(SQLException.class, () -> numbers(codd, "SELECT sum(n) FROM " + map));
            assertTrue(failed.getMessage().contains("did not answer within 5 s"), failed.getMessage());
            assertEquals("58000", failed.getSQLState(), "the node cannot reach its engine");
            door.answer();
            assertEquals(List.of(List.of(6L)), numbers(codd, "SELECT sum(n) FROM " + map), "the node recovers with its engine");
            List<List<Object>> refused = numbers(codd, "SELECT json_extract_string(data, '$.error') FROM sys.node_audit"
                    + " WHERE type = 'fragment.refused'");
            assertEquals(1, refused.size(), "the node's log records the fragment it could not run: " + refused);
            assertTrue(refused.get(0).get(0).toString().contains("did not answer within 5 s"), refused.toString());
            awaitNoContainersOf("node1");
        }
    }

    private List<?> containersOfNode() {
        return containersOf(NODE);
    }

    private List<?> containersOf(String node) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("dev.codd.node", node)).exec();
    }

    private void awaitNoContainersOf(String node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!containersOf(node).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), containersOf(node));
    }

    /**
     * A unix socket door to the engine that passes bytes both ways until told to hang; what it is sent
     * while it hangs is lost, as by an engine that stopped reading.
     */
    private static final class HangingDoor implements AutoCloseable {
        private final SocketAddress engine;
        private final Path socket;
        private final ServerSocketChannel server;
        private volatile boolean hanging;

        HangingDoor(String engineHost) throws IOException {
            URI uri = URI.create(engineHost);
            engine = "unix".equals(uri.getScheme()) ? UnixDomainSocketAddress.of(uri.getPath())
                    : new InetSocketAddress(uri.getHost(), uri.getPort());
            socket = Files.createTempDirectory("codd-door").resolve("engine.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
            daemon(this::accept);
        }

        String host() {
            return "unix://" + socket;
        }

        void hang() {
            hanging = true;
        }

        void answer() {
            hanging = false;
        }

        private void accept() {
            try {
                while (true) {
                    SocketChannel client = server.accept();
                    SocketChannel upstream = SocketChannel.open(engine);
                    daemon(() -> pass(client, upstream));
                    daemon(() -> pass(upstream, client));
                }
            } catch (IOException closed) {
                // the door is closed
            }
        }

        private void pass(SocketChannel from, SocketChannel to) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining() && !hanging) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // both ends go
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
    }
}
