package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counts that would measure nothing are usage errors naming the option, before anything starts. */
class CountsTest {
    @Test
    void audit(@TempDir Path out) {
        assertRefused("audit", out, Map.of(
                List.of("--seconds", "0"), "--seconds must be at least 1, not 0",
                List.of("--rounds", "0"), "--rounds must be at least 1, not 0",
                List.of("--warmup", "-1"), "--warmup must be at least 0, not -1",
                List.of("--clients", "1,0"), "--clients must be at least 1, not 0"));
    }

    @Test
    void tpch(@TempDir Path out) {
        assertRefused("tpch", out, Map.of(
                List.of("--sf", "0"), "--sf must be a number above 0, not 0.0",
                List.of("--sf", "NaN"), "--sf must be a number above 0, not NaN",
                List.of("--nodes", "0"), "--nodes must be at least 1, not 0",
                List.of("--runs", "-2"), "--runs must be at least 1, not -2",
                List.of("--latency-seconds", "0"), "--latency-seconds must be at least 1, not 0",
                List.of("--stream-rows", "0"), "--stream-rows must be at least 1, not 0"));
    }

    @Test
    void wasm(@TempDir Path out) {
        assertRefused("wasm", out, Map.of(
                List.of("--rows", "0"), "--rows must be at least 1, not 0",
                List.of("--rows", "3037000500"), "--rows must be at most 3037000499 (the sum of x * 2 + 1 over them, rows²,"
                        + " must fit a BIGINT), not 3037000500",
                List.of("--runs", "0"), "--runs must be at least 1, not 0"));
    }

    @Test
    void docker(@TempDir Path out) {
        assertRefused("docker", out, Map.of(
                List.of("--rows", "2"), "--rows must be at least 3, not 2",
                List.of("--rows", "4000000000"), "--rows must be at most 3037000499",
                List.of("--runs", "0"), "--runs must be at least 1, not 0"));
    }

    /** Each set of options, given to {@code benchmark}, is a usage error (exit 2) that says its message. */
    private static void assertRefused(String benchmark, Path out, Map<List<String>, String> refused) {
        refused.forEach((options, message) -> {
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of(benchmark, "--out", out.toString()));
            args.addAll(options);
            int exit = BenchCommand.commandLine().setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
            assertEquals(2, exit, options.toString());
            assertTrue(err.toString().contains(message), err.toString());
        });
    }
}
