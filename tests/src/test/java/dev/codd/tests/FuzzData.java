package dev.codd.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Small random tables for the differential fuzzer, the same for the same seed: NULLs in every
 * column, skewed keys, shards of uneven size over three nodes (some empty), one table on every node.
 *
 * <ul>
 *   <li>{@code t1(k INTEGER, g VARCHAR, v DECIMAL(10,2), d DOUBLE, dt DATE)}, split over the nodes</li>
 *   <li>{@code t2(k INTEGER, h VARCHAR, w BIGINT)}, split over the nodes</li>
 *   <li>{@code t3(k INTEGER, label VARCHAR)}, whole on every node</li>
 * </ul>
 */
final class FuzzData {
    static final String[] WORDS = {"a", "b", "c", "ab", "ba", "x", ""};

    private FuzzData() {}

    static void write(long seed, List<Path> nodes) throws IOException, SQLException {
        Random random = new Random(seed);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            split(statement, random, nodes, "t1", "k INTEGER, g VARCHAR, v DECIMAL(10,2), d DOUBLE, dt DATE",
                    120 + random.nextInt(80), () -> String.join(", ", key(random), word(random), decimal(random),
                            dbl(random), date(random)));
            split(statement, random, nodes, "t2", "k INTEGER, h VARCHAR, w BIGINT", 60 + random.nextInt(60),
                    () -> String.join(", ", key(random), word(random), random.nextInt(5) == 0 ? "NULL"
                            : Long.toString(random.nextLong() % 1_000_000)));
            List<String> rows = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                rows.add("(" + k + ", " + (k == 3 ? "NULL" : "'label" + k + "'") + ")");
            }
            Path whole = nodes.get(0).resolve("t3/whole.parquet");
            copy(statement, "k INTEGER, label VARCHAR", rows, whole);
            for (Path node : nodes.subList(1, nodes.size())) {
                Files.createDirectories(node.resolve("t3"));
                Files.copy(whole, node.resolve("t3/whole.parquet"));
            }
        }
    }

    private static void split(Statement statement, Random random, List<Path> nodes, String table, String columns,
            int count, java.util.function.Supplier<String> row) throws IOException, SQLException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add("(" + row.get() + ")");
        }
        int shards = 3 + random.nextInt(3);
        int start = 0;
        for (int s = 0; s < shards; s++) {
            int end = s == shards - 1 ? rows.size() : start + random.nextInt(rows.size() - start + 1);
            Path node = nodes.get(s % nodes.size());
            copy(statement, columns, rows.subList(start, end), node.resolve(table + "/part-" + s + ".parquet"));
            start = end;
        }
    }

    private static void copy(Statement statement, String columns, List<String> rows, Path file)
            throws IOException, SQLException {
        Files.createDirectories(file.getParent());
        statement.execute("CREATE OR REPLACE TABLE rows_to_write (" + columns + ")");
        if (!rows.isEmpty()) {
            statement.execute("INSERT INTO rows_to_write VALUES " + String.join(", ", rows));
        }
        statement.execute("COPY rows_to_write TO '" + file + "' (FORMAT parquet)");
    }

    private static String key(Random random) {
        if (random.nextInt(8) == 0) {
            return "NULL";
        }
        // skewed: small keys far more often
        return Integer.toString((int) Math.floor(Math.pow(random.nextDouble(), 2) * 12));
    }

    private static String word(Random random) {
        return random.nextInt(7) == 0 ? "NULL" : "'" + WORDS[random.nextInt(WORDS.length)] + "'";
    }

    private static String decimal(Random random) {
        return random.nextInt(6) == 0 ? "NULL"
                : String.format(Locale.ROOT, "%.2f", (random.nextInt(200000) - 100000) / 100.0);
    }

    private static String dbl(Random random) {
        return random.nextInt(6) == 0 ? "NULL" : Double.toString(random.nextGaussian() * 100);
    }

    private static String date(Random random) {
        return random.nextInt(6) == 0 ? "NULL"
                : "DATE '" + LocalDate.of(2024, 1, 1).plusDays(random.nextInt(400)) + "'";
    }
}
