package dev.codd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** What every benchmark does alike: checking its counts, medians, one-number queries, and writing its report. */
final class Benchmarks {
    private Benchmarks() {}

    /** Refuses a count below what measures anything, as a usage error naming the option. */
    static void requireAtLeast(CommandSpec spec, String option, long value, long least) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + least + ", not " + value);
        }
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The first column of the first row of {@code sql}: a count or a sum. */
    static long firstLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Prints the report and writes it to {@code out/name}; returns where. */
    static Path writeReport(Path out, String name, String report) throws IOException {
        System.out.println(report);
        Files.createDirectories(out);
        Path file = out.resolve(name);
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("Written to " + file.toAbsolutePath());
        return file;
    }
}
