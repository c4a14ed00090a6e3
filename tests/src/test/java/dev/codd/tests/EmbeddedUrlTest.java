package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdbc:codd:local:DIR}: a requester and one compute node over DIR inside the application's JVM. */
class EmbeddedUrlTest {
    @Test
    void aLocalUrlServesTheDirectoryInProcess(@TempDir Path data) throws Exception {
        Path table = Files.createDirectories(data.resolve("cities"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT * FROM (VALUES ('Lisbon', 3), ('Porto', 21)) AS t(city, visits)) TO '"
                    + table.resolve("part.parquet") + "'");
        }
        Properties ada = new Properties();
        ada.setProperty("user", "ada");
        try (Connection codd = DriverManager.getConnection("jdbc:codd:local:" + data, ada)) {
            assertEquals("[[Lisbon, 3], [Porto, 21]]",
                    QueryAssertions.rows(codd, "SELECT city, visits FROM cities ORDER BY city").toString());
            assertEquals("[[1]]", QueryAssertions.rows(codd, "SELECT count(*) FROM sys.nodes WHERE state = 'up'").toString());
        }
        // a second connection finds the same cluster, and with it what the first left behind
        try (Connection codd = DriverManager.getConnection("jdbc:codd:local:" + data + "?user=grace")) {
            assertEquals("[[ada]]", QueryAssertions.rows(codd,
                    "SELECT DISTINCT user_name FROM sys.queries WHERE sql LIKE '%FROM cities%' AND user_name = 'ada'").toString());
        }
        assertTrue(Files.isDirectory(data.resolve(".codd").resolve("requester-audit")),
                "the cluster keeps its state inside the directory");
    }

    @Test
    void aLocalUrlWithoutADirectoryIsAClearError(@TempDir Path root) {
        SQLException missing = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:codd:local:" + root.resolve("nowhere")));
        assertEquals("08001", missing.getSQLState());
        assertTrue(missing.getMessage().endsWith("nowhere is not a directory"), missing.getMessage());
        SQLException empty = assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:codd:local:"));
        assertTrue(empty.getMessage().contains("names no directory"), empty.getMessage());
    }
}
