package dev.codd.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Tables next to TPC-H for what TPC-H lacks: {@code nullish} (NULL-heavy and skewed, with an
 * empty shard) and {@code nothing} (a table with no rows).
 */
final class ExtraTables {
    private static final String NULLISH = "SELECT range AS id,"
            + " CASE WHEN range % 10 < 8 THEN 'a' WHEN range % 10 = 8 THEN 'b' END AS grp,"
            + " CASE WHEN range % 5 < 2 THEN NULL ELSE ((range * 7919) % 100)::INTEGER END AS x,"
            + " CASE WHEN range % 2 = 0 THEN NULL ELSE (range % 97) / 7.0 END AS y,"
            + " CASE WHEN range % 3 = 0 THEN NULL ELSE (range % 1000 / 8)::DECIMAL(10,2) END AS d,"
            + " CASE WHEN range % 7 = 0 THEN NULL WHEN range % 7 = 1 THEN '' ELSE 'v' || (range % 13) END AS s,"
            + " CASE WHEN range % 4 = 0 THEN NULL ELSE DATE '2020-01-01' + (range % 400)::INTEGER END AS dt,"
            + " CASE WHEN range % 6 = 0 THEN NULL ELSE range % 3 = 0 END AS flag";

    private ExtraTables() {}

    /**
     * Two node directories under {@code root}, each with one shard of {@code cities (city VARCHAR,
     * visits INTEGER)}: Lisbon 1 and 2, Porto 10 and 11.
     */
    static List<Path> writeCities(Path root) throws IOException, SQLException {
        List<Path> nodes = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 2; i++) {
                Path table = Files.createDirectories(root.resolve("node" + i).resolve("cities"));
                statement.execute("COPY (SELECT * FROM (VALUES ('Lisbon', " + (i + 1) + "), ('Porto', " + (i + 10) + "))"
                        + " AS t(city, visits)) TO '" + table.resolve("part.parquet") + "'");
                nodes.add(table.getParent());
            }
        }
        return nodes;
    }

    static void write(List<Path> shardDirectories) throws IOException, SQLException {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            copy(statement, NULLISH + " FROM range(0, 600)", shardDirectories.get(0).resolve("nullish/a.parquet"));
            copy(statement, NULLISH + " FROM range(600, 1000)", shardDirectories.get(1).resolve("nullish/b.parquet"));
            copy(statement, NULLISH + " FROM range(0)", shardDirectories.get(2).resolve("nullish/empty.parquet"));
            copy(statement, "SELECT 1::BIGINT AS k, 'x'::VARCHAR AS v, 1.5::DOUBLE AS w FROM range(0)",
                    shardDirectories.get(0).resolve("nothing/empty.parquet"));
        }
    }

    private static void copy(Statement statement, String query, Path file) throws IOException, SQLException {
        Files.createDirectories(file.getParent());
        statement.execute("COPY (" + query + ") TO '" + file + "' (FORMAT parquet)");
    }
}
