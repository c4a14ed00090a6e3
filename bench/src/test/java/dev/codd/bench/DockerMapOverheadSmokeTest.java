package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker_map benchmark runs end to end (every query must sum alike) and writes its report. */
class DockerMapOverheadSmokeTest {
    @Test
    void writesItsReport(@TempDir Path out) throws Exception {
        boolean engine = engineAnswers();
        if (Boolean.getBoolean("codd.require.docker")) {
            assertTrue(engine, "no Docker engine answers: start dockerd");
        }
        Assumptions.assumeTrue(engine, "no Docker engine answers: the Docker smoke test skips");
        Set<String> before = TempDirectories.named("codd-bench-docker");
        StringWriter err = new StringWriter();
        int exit = BenchCommand.commandLine().setErr(new PrintWriter(err)).execute("docker", "--rows", "30000", "--runs", "1",
                "--out", out.toString());
        assertEquals(0, exit, err.toString());
        assertEquals(before, TempDirectories.named("codd-bench-docker"), "the data it made is gone");
        String report = Files.readString(out.resolve("docker-overhead.md"));
        for (String format : new String[] {"csv", "jsonl", "arrow"}) {
            assertTrue(report.contains("| docker_map `cat`, " + format + ", then `sum(x * 2 + 1)` | "), report);
        }
        assertTrue(report.contains("| docker_map `awk` computes `x * 2 + 1`, csv, then `sum` | "), report);
        assertTrue(report.contains("| DuckDB alone, SQL, same files | "), report);
    }

    @Test
    void anImageThatIsNotThereFailsTheRunNamingIt(@TempDir Path out) {
        Assumptions.assumeTrue(engineAnswers(), "no Docker engine answers");
        StringWriter err = new StringWriter();
        int exit = BenchCommand.commandLine().setErr(new PrintWriter(err)).execute("docker", "--rows", "30", "--runs", "1",
                "--image", "no-such/image:9", "--out", out.toString());
        assertEquals(1, exit);
        assertTrue(err.toString().startsWith("codd bench: Image 'no-such/image:9' is not on node node"), err.toString());
    }

    @Test
    void anEngineThatIsNotThereIsNamed(@TempDir Path out) {
        Assumptions.assumeTrue(engineAnswers(), "no docker command to ask");
        StringWriter err = new StringWriter();
        int exit = BenchCommand.commandLine().setErr(new PrintWriter(err)).execute("docker", "--docker-host",
                "unix://" + out.resolve("no-engine.sock"), "--out", out.toString());
        assertEquals(1, exit);
        assertTrue(err.toString().startsWith("codd bench: Cannot look for image codd-bench/busybox:1 at unix://"
                + out.resolve("no-engine.sock") + ": "), err.toString());
    }

    private static boolean engineAnswers() {
        return BusyboxImage.engineAnswers(BusyboxImage.defaultHost());
    }
}
