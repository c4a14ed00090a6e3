package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TPC-H benchmark runs end to end on a tiny scale, with its cluster in separate processes, and
 * writes its report and chart; exit code 0 means every query returned the same rows as DuckDB alone.
 */
class TpchBenchmarkSmokeTest {
    @Test
    void runsAllQueriesAndWritesItsReportAndChart(@TempDir Path root) throws Exception {
        Path out = root.resolve("out");
        Set<String> before = TempDirectories.named("codd-bench-tpch");
        int exit = BenchCommand.commandLine().execute("tpch", "--sf", "0.01", "--nodes", "2", "--runs", "1",
                "--latency-seconds", "1", "--stream-rows", "20000", "--no-scaling", "--data", root.resolve("data").toString(),
                "--out", out.toString());
        assertEquals(0, exit, "every query returns DuckDB's rows");
        assertEquals(before, TempDirectories.named("codd-bench-tpch"), "the processes' logs are gone after a good run");
        String report = Files.readString(out.resolve("tpch.md"));
        assertTrue(report.contains("Every query returned the same rows on both."), report);
        for (int q = 1; q <= 22; q++) {
            assertTrue(report.contains("| Q" + q + " | "), "Q" + q + " in " + report);
        }
        assertTrue(report.contains("| Codd | `SELECT count(*) FROM nation` | 16 |"), report);
        assertTrue(report.matches("(?s).*\\| node2 \\| \\d.*"), report);
        assertEquals(1100, ImageIO.read(out.resolve("tpch-ratios.png").toFile()).getWidth());
    }
}
