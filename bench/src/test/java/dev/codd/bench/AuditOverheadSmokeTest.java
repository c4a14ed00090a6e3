package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark still runs end to end and writes its report; its figures are not checked here. */
class AuditOverheadSmokeTest {
    @Test
    void writesItsReport(@TempDir Path out) throws Exception {
        int exit = new CommandLine(new BenchCommand()).execute("audit", "--seconds", "1", "--rounds", "1", "--clients", "1,4", "--warmup", "1",
                "--out", out.toString());
        assertEquals(0, exit);
        String report = Files.readString(out.resolve("audit-overhead.md"));
        assertTrue(report.contains("| context switches per query off / on |"), report);
        assertTrue(report.contains("| 1 | "), report);
        assertTrue(report.contains("| 4 | "), report);
    }

    @Test
    void aControlRunSaysSoAndKeepsTheRealReport(@TempDir Path out) throws Exception {
        int exit = new CommandLine(new BenchCommand()).execute("audit", "--control", "--seconds", "1", "--rounds", "1",
                "--clients", "2", "--warmup", "1", "--out", out.toString());
        assertEquals(0, exit);
        String report = Files.readString(out.resolve("audit-overhead-control.md"));
        assertTrue(report.contains("Neither cluster keeps a log"), report);
        assertTrue(report.contains("| 2 | "), report);
        assertTrue(Files.notExists(out.resolve("audit-overhead.md")), "a control run does not pass for a measurement");
    }
}
