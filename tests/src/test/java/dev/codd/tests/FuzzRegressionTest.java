package dev.codd.tests;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Queries the fuzzer once found wrong, kept as regression cases: {@code seed TAB sql} per line. */
class FuzzRegressionTest {
    @TempDir static Path root;

    static Stream<Map.Entry<Long, List<String>>> bySeed() throws Exception {
        Map<Long, List<String>> cases = new TreeMap<>();
        for (String line : DifferentialFuzzTest.regressions()) {
            String[] parts = line.split("\t");
            cases.computeIfAbsent(Long.parseLong(parts[0]), s -> new ArrayList<>()).add(parts[1]);
        }
        return cases.entrySet().stream();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("bySeed")
    void stillMatchesDuckDbAlone(Map.Entry<Long, List<String>> cases) throws Exception {
        try (DifferentialFuzzTest.FuzzCluster cluster = DifferentialFuzzTest.FuzzCluster.start(
                root.resolve(Long.toString(cases.getKey())), cases.getKey()); Connection codd = cluster.connect()) {
            for (String sql : cases.getValue()) {
                QueryAssertions.assertSameResult(codd, cluster.oracle(), sql);
            }
        }
    }
}
