package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark still runs end to end and writes its report; its figures are not checked here. */
class AuditOverheadSmokeTest {
    @Test
    void writesItsReport(@TempDir Path out) throws Exception {
        Set<String> before = TempDirectories.named("codd-bench-audit");
        int exit = BenchCommand.commandLine().execute("audit", "--seconds", "1", "--rounds", "1", "--clients", "1,4", "--warmup", "1",
                "--out", out.toString());
        assertEquals(0, exit);
        assertEquals(before, TempDirectories.named("codd-bench-audit"), "the data and logs it made are gone");
        String report = Files.readString(out.resolve("audit-overhead.md"));
        assertTrue(report.contains("| context switches per query off / on |"), report);
        assertTrue(report.contains("| middle half of the rounds' costs |"), report);
        assertTrue(report.contains("| 1 | "), report);
        assertTrue(report.contains("| 4 | "), report);
    }

    @Test
    void nodesSyncingOnTheIntervalAreReportedApart(@TempDir Path out) throws Exception {
        int exit = BenchCommand.commandLine().execute("audit", "--audit-sync", "interval", "--seconds", "1", "--rounds", "1",
                "--clients", "2", "--warmup", "1", "--out", out.toString());
        assertEquals(0, exit);
        String report = Files.readString(out.resolve("audit-overhead-interval.md"));
        assertTrue(report.contains("Nodes sync their records of fragments within about 0.1 s"), report);
        assertTrue(Files.notExists(out.resolve("audit-overhead.md")), "the default's report is left as it is");
    }

    @Test
    void eachSideCanBeMeasuredAlone(@TempDir Path out) throws Exception {
        for (String logs : new String[] {"requester", "nodes"}) {
            int exit = BenchCommand.commandLine().execute("audit", "--logs", logs, "--seconds", "1", "--rounds", "1",
                    "--clients", "2", "--warmup", "1", "--out", out.toString());
            assertEquals(0, exit, logs);
        }
        assertTrue(Files.readString(out.resolve("audit-overhead-requester.md")).contains("Only the requester keeps a log"));
        assertTrue(Files.readString(out.resolve("audit-overhead-nodes.md")).contains("Only the nodes keep logs"));
        assertTrue(Files.notExists(out.resolve("audit-overhead.md")), "the default's report is left as it is");
    }

    @Test
    void onlyAMeasurementWithNodeLogsHasThemToSync(@TempDir Path out) {
        StringWriter err = new StringWriter();
        int exit = BenchCommand.commandLine().setErr(new PrintWriter(err))
                .execute("audit", "--logs", "requester", "--audit-sync", "interval", "--out", out.toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--logs requester keeps no node logs"), err.toString());
        StringWriter controlErr = new StringWriter();
        exit = BenchCommand.commandLine().setErr(new PrintWriter(controlErr))
                .execute("audit", "--control", "--logs", "nodes", "--out", out.toString());
        assertEquals(2, exit);
        assertTrue(controlErr.toString().contains("--logs has nothing to choose"), controlErr.toString());
    }

    @Test
    void theLogsGoWhereToldAndTheReportIsNamedAfterItsFileSystem(@TempDir Path out, @TempDir Path storage) throws Exception {
        int exit = BenchCommand.commandLine().execute("audit", "--dir", storage.toString(), "--seconds", "1", "--rounds", "1",
                "--clients", "2", "--warmup", "1", "--out", out.toString());
        assertEquals(0, exit);
        String fileSystem = Files.getFileStore(storage).type();
        String report = Files.readString(out.resolve("audit-overhead-"
                + fileSystem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "") + ".md"));
        assertTrue(report.contains("The data and the logs are on " + fileSystem + " (" + storage + ")."), report);
        try (var left = Files.list(storage)) {
            assertEquals(0, left.count(), "the directory it made there is gone");
        }
        assertTrue(Files.notExists(out.resolve("audit-overhead.md")), "the default's report is left as it is");

        StringWriter err = new StringWriter();
        exit = BenchCommand.commandLine().setErr(new PrintWriter(err))
                .execute("audit", "--dir", storage.resolve("missing").toString(), "--out", out.toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--dir " + storage.resolve("missing") + " is not a directory"), err.toString());
    }

    @Test
    void aControlRunHasNoLogToSync(@TempDir Path out) {
        StringWriter err = new StringWriter();
        int exit = BenchCommand.commandLine().setErr(new PrintWriter(err))
                .execute("audit", "--control", "--audit-sync", "interval", "--out", out.toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--control runs both clusters without logs"), err.toString());
    }

    @Test
    void aControlRunSaysSoAndKeepsTheRealReport(@TempDir Path out) throws Exception {
        int exit = BenchCommand.commandLine().execute("audit", "--control", "--seconds", "1", "--rounds", "1",
                "--clients", "2", "--warmup", "1", "--out", out.toString());
        assertEquals(0, exit);
        String report = Files.readString(out.resolve("audit-overhead-control.md"));
        assertTrue(report.contains("Neither cluster keeps a log"), report);
        assertTrue(report.contains("| 2 | "), report);
        assertTrue(Files.notExists(out.resolve("audit-overhead.md")), "a control run does not pass for a measurement");
    }
}
