package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counts that would measure nothing are usage errors naming the option, before anything starts. */
class CountsTest {
    @Test
    void audit(@TempDir Path out) {
        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("--seconds", "0"), "--seconds must be at least 1, not 0");
        refused.put(List.of("--rounds", "0"), "--rounds must be at least 1, not 0");
        refused.put(List.of("--warmup", "-1"), "--warmup must be at least 0, not -1");
        refused.put(List.of("--clients", "1,0"), "--clients must be at least 1, not 0");
        assertRefused("audit", out, refused);
    }

    @Test
    void tpch(@TempDir Path out) {
        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("--sf", "0"), "--sf must be a number above 0, not 0.0");
        refused.put(List.of("--sf", "NaN"), "--sf must be a number above 0, not NaN");
        refused.put(List.of("--nodes", "0"), "--nodes must be at least 1, not 0");
        refused.put(List.of("--runs", "-2"), "--runs must be at least 1, not -2");
        refused.put(List.of("--latency-seconds", "0"), "--latency-seconds must be at least 1, not 0");
        refused.put(List.of("--stream-rows", "0"), "--stream-rows must be at least 1, not 0");
        assertRefused("tpch", out, refused);
    }

    @Test
    void wasm(@TempDir Path out) {
        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("--rows", "0"), "--rows must be at least 1, not 0");
        refused.put(List.of("--runs", "0"), "--runs must be at least 1, not 0");
        assertRefused("wasm", out, refused);
    }

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
