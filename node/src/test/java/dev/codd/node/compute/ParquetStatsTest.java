package dev.codd.node.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codd.node.wire.ColumnInfo;
import dev.codd.node.wire.ColumnStats;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shard's min/max must cover every value it holds, or pruning would skip rows that match. */
class ParquetStatsTest {
    private static final List<ColumnInfo> COLUMNS = List.of(new ColumnInfo("k", "BIGINT"), new ColumnInfo("s", "VARCHAR"));

    @Test
    void coverEveryRowGroupOfARealFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            // the first row group's s is all NULL: it has no min/max, and needs none
            statement.execute("COPY (SELECT i AS k, CASE WHEN i >= 2048 THEN 'v' || i END AS s FROM range(5000) t(i)) TO '"
                    + file + "' (ROW_GROUP_SIZE 2048)");
            Map<String, ColumnStats> stats = DataStore.parquetStats(duckdb, "parquet_metadata('" + file + "')", COLUMNS);
            assertEquals(new ColumnStats("0", "4999"), stats.get("k"));
            assertEquals(new ColumnStats("v2048", "v4999"), stats.get("s"));
        }
    }

    @Test
    void noneWhenARowGroupWithValuesHasNoStatistics() throws Exception {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            // other writers may leave statistics out, or write ones DuckDB cannot cast: such a row group holds unknown values
            statement.execute("CREATE TABLE metadata AS SELECT * FROM (VALUES"
                    + " ('k', 10, '0', '9', 0), ('k', 10, NULL, NULL, NULL),"
                    + " ('s', 10, 'a', 'f', 0), ('s', 10, 'not-cast', NULL, 2)"
                    + ") AS m(path_in_schema, num_values, stats_min_value, stats_max_value, stats_null_count)");
            Map<String, ColumnStats> stats = DataStore.parquetStats(duckdb, "metadata", COLUMNS);
            assertEquals(new ColumnStats(null, null), stats.get("k"));
            assertEquals(new ColumnStats(null, null), stats.get("s"));
        }
    }
}
