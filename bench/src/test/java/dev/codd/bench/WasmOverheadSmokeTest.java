package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WASM benchmark runs end to end (every query must sum alike) and writes its report. */
class WasmOverheadSmokeTest {
    @Test
    void writesItsReport(@TempDir Path out) throws Exception {
        boolean built = WasmOverheadSmokeTest.class.getResource("/wasm/batch.wasm") != null;
        if (Boolean.getBoolean("codd.require.wasm")) {
            assertTrue(built, "the example WASM modules were not built: install wabt, clang and lld");
        }
        Assumptions.assumeTrue(built, "the example WASM modules were not built: install wabt, clang and lld");
        Set<String> before = TempDirectories.named("codd-bench-wasm");
        int exit = BenchCommand.commandLine().execute("wasm", "--rows", "30000", "--runs", "1",
                "--out", out.toString());
        assertEquals(0, exit);
        assertEquals(before, TempDirectories.named("codd-bench-wasm"), "the data and modules it made are gone");
        String report = Files.readString(out.resolve("wasm-overhead.md"));
        assertTrue(report.contains("| WASM, a call per batch | "), report);
        assertTrue(report.contains("| between two DuckDB stages over Arrow | "), report);
    }
}
