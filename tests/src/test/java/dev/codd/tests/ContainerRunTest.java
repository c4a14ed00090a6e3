package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.codd.common.CoddException;
import dev.codd.executors.docker.ContainerRun;
import dev.codd.executors.docker.DockerEngine;
import dev.codd.executors.docker.DockerSettings;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One container run by a node's engine, below docker_map: how it is stopped while it writes more
 * than anyone reads, and what the engine keeps of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120) // a read or a kill that waits for ever fails the test rather than the build
class ContainerRunTest {
    private DockerClient docker;
    private DockerEngine engine;

    @BeforeAll
    void connect() {
        docker = TestImages.engineWithImages();
        DockerSettings settings = DockerSettings.defaults(List.of(TestImages.BUSYBOX)).withHost(TestImages.host())
                .withTimeout(Duration.ofMinutes(5));
        engine = DockerEngine.connect(settings, "container-run-test").engine().orElseThrow();
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * The engine holds a killed container until its output has been taken. A kill that left the
     * connection open waited on whoever had stopped reading: at the output limit that was the
     * thread calling kill, and the node's fragment hung until the node stopped. So a kill drops
     * the output nobody read, and reading on fails with why the container was stopped.
     */
    @Test
    void aKillDropsTheOutputNobodyReadAndReadingOnSaysWhy() throws Exception {
        try (ContainerRun run = engine.start(engine.image(TestImages.BUSYBOX), List.of("yes"), Map.of(), text -> text,
                "container-run-test")) {
            InputStream stdout = run.stdout();
            stdout.readNBytes(1 << 20);
            Thread.sleep(500); // it writes on, into the engine's buffers and the socket's
            CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> run.kill("the test stopped it"));
            kill.get(20, TimeUnit.SECONDS);
            assertFalse(Boolean.TRUE.equals(docker.inspectContainerCmd(run.id()).exec().getState().getRunning()));
            CoddException stopped = assertThrows(CoddException.class, () -> {
                while (stdout.read(new byte[1 << 16]) >= 0) {
                    // nothing: the output that was on its way is dropped
                }
            });
            assertTrue(stopped.getMessage().contains("was stopped: the test stopped it"), stopped.getMessage());
        }
        assertEquals(List.of(), docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("dev.codd.node", "container-run-test")).exec());
    }

    /** Its output is read through the attach connection; a log would be a second copy of every row on the engine's disk. */
    @Test
    void theEngineKeepsNoCopyOfTheOutput() {
        try (ContainerRun run = engine.start(engine.image(TestImages.BUSYBOX), List.of("cat"), Map.of(), text -> text,
                "container-run-test")) {
            InspectContainerResponse container = docker.inspectContainerCmd(run.id()).exec();
            assertEquals("none", container.getHostConfig().getLogConfig().getType().getType());
            assertTrue(container.getLogPath() == null || container.getLogPath().isEmpty(), container.getLogPath());
        }
    }
}
