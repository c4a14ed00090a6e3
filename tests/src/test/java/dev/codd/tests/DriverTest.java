package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The driver through DriverManager: every type of the walking skeleton, parameters, and metadata. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriverTest {
    private static final String COLUMNS = "b BOOLEAN, i INTEGER, l BIGINT, d DOUBLE, m DECIMAL(18,4), s VARCHAR, "
            + "day DATE, ts TIMESTAMP";
    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        Path node1 = Files.createDirectories(root.resolve("node1/typed"));
        Path node2 = Files.createDirectories(root.resolve("node2/typed"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duckdb.createStatement()) {
            statement.execute("CREATE TABLE typed (" + COLUMNS + ")");
            statement.execute("INSERT INTO typed VALUES "
                    + "(true, 1, 9000000000000000000, 1.5, 12345678901234.5678, 'één', DATE '2024-02-29', TIMESTAMP '2024-02-29 13:14:15.123456'),"
                    + "(false, -2, 9000000000000000000, -0.25, -0.0001, 'two', DATE '1970-01-01', TIMESTAMP '1969-12-31 23:59:59.999999')");
            statement.execute("COPY typed TO '" + node1.resolve("a.parquet") + "' (FORMAT parquet)");
            statement.execute("DELETE FROM typed");
            statement.execute("INSERT INTO typed VALUES "
                    + "(NULL, NULL, 9000000000000000000, NULL, NULL, NULL, NULL, NULL)");
            statement.execute("COPY typed TO '" + node2.resolve("b.parquet") + "' (FORMAT parquet)");
        }
        cluster = LocalCluster.start(List.of(root.resolve("node1"), root.resolve("node2")));
        codd = DriverManager.getConnection(cluster.jdbcUrl());
    }

    @AfterAll
    void stop() throws SQLException {
        codd.close();
        cluster.close();
    }

    @Test
    void readsEveryTypeExactly() throws SQLException {
        try (Statement statement = codd.createStatement();
                ResultSet result = statement.executeQuery("SELECT * FROM typed WHERE i = 1")) {
            assertTrue(result.next());
            assertTrue(result.getBoolean("b"));
            assertEquals(1, result.getInt("i"));
            assertEquals(9_000_000_000_000_000_000L, result.getLong("l"));
            assertEquals(1.5, result.getDouble("d"));
            assertEquals(new BigDecimal("12345678901234.5678"), result.getBigDecimal("m"));
            assertEquals("één", result.getString("s"));
            assertEquals(LocalDate.of(2024, 2, 29), result.getDate("day").toLocalDate());
            Timestamp ts = result.getTimestamp("ts");
            assertEquals(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000), ts.toLocalDateTime());
            assertEquals(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000),
                    result.getObject("ts", LocalDateTime.class));
            assertEquals("2024-02-29 13:14:15.123456", result.getString("ts"));
            assertFalse(result.next());
        }
    }

    @Test
    void nullsAreNullAndWasNullSaysSo() throws SQLException {
        try (Statement statement = codd.createStatement();
                ResultSet result = statement.executeQuery("SELECT b, i, d, m, s, day, ts FROM typed WHERE i IS NULL")) {
            assertTrue(result.next());
            for (int column = 1; column <= 7; column++) {
                assertNull(result.getObject(column), "column " + column);
                assertTrue(result.wasNull());
            }
            assertEquals(0, result.getInt(2));
            assertTrue(result.wasNull());
        }
    }

    @Test
    void timestampsBeforeTheEpochKeepTheirMicroseconds() throws SQLException {
        assertEquals(List.of(List.of(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000))),
                QueryAssertions.rows(codd, "SELECT ts FROM typed WHERE i = -2"));
    }

    @Test
    void sumsBeyondBigintAreExact() throws SQLException {
        try (Statement statement = codd.createStatement();
                ResultSet result = statement.executeQuery("SELECT sum(l) AS total, count(*) AS n FROM typed")) {
            assertTrue(result.next());
            assertEquals(new BigDecimal("27000000000000000000"), result.getBigDecimal("total"));
            assertEquals(Types.DECIMAL, result.getMetaData().getColumnType(1));
            assertEquals(38, result.getMetaData().getPrecision(1));
            assertEquals(3, result.getLong("n"));
            assertEquals(Types.BIGINT, result.getMetaData().getColumnType(2));
        }
    }

    @Test
    void describesResultColumns() throws SQLException {
        try (Statement statement = codd.createStatement();
                ResultSet result = statement.executeQuery("SELECT * FROM typed LIMIT 0")) {
            ResultSetMetaData meta = result.getMetaData();
            assertEquals(8, meta.getColumnCount());
            List<Integer> types = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                types.add(meta.getColumnType(i));
                labels.add(meta.getColumnLabel(i));
            }
            assertEquals(List.of(Types.BOOLEAN, Types.INTEGER, Types.BIGINT, Types.DOUBLE, Types.DECIMAL, Types.VARCHAR,
                    Types.DATE, Types.TIMESTAMP), types);
            assertEquals(List.of("b", "i", "l", "d", "m", "s", "day", "ts"), labels);
            assertEquals(18, meta.getPrecision(5));
            assertEquals(4, meta.getScale(5));
            assertEquals(BigDecimal.class.getName(), meta.getColumnClassName(5));
            assertFalse(result.next());
        }
    }

    @Test
    void bindsParametersOfEveryType() throws SQLException {
        String sql = "SELECT count(*) FROM typed WHERE b = ? AND i = ? AND l = ? AND d = ? AND m = ? AND s = ? "
                + "AND day = ? AND ts = ?";
        try (PreparedStatement statement = codd.prepareStatement(sql)) {
            statement.setBoolean(1, true);
            statement.setInt(2, 1);
            statement.setLong(3, 9_000_000_000_000_000_000L);
            statement.setDouble(4, 1.5);
            statement.setBigDecimal(5, new BigDecimal("12345678901234.5678"));
            statement.setString(6, "één");
            statement.setDate(7, Date.valueOf(LocalDate.of(2024, 2, 29)));
            statement.setTimestamp(8, Timestamp.valueOf(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_000_000)));
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(0, result.getLong(1), "timestamp differs in microseconds: no match");
            }
            statement.setString(6, "two");
            statement.setBoolean(1, false);
            statement.setInt(2, -2);
            statement.setDouble(4, -0.25);
            statement.setBigDecimal(5, new BigDecimal("-0.0001"));
            statement.setDate(7, Date.valueOf(LocalDate.of(1970, 1, 1)));
            statement.setTimestamp(8, Timestamp.valueOf(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000)));
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(0, result.getLong(1));
            }
        }
        try (PreparedStatement statement = codd.prepareStatement("SELECT s FROM typed WHERE i = ? OR s = ?")) {
            statement.setInt(1, 1);
            statement.setString(2, "it's");
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals("één", result.getString(1));
                assertFalse(result.next());
            }
            statement.setNull(1, Types.INTEGER);
            statement.setString(2, "two");
            assertEquals(List.of("two"), column(statement));
        }
    }

    @Test
    void aMissingParameterIsAnError() throws SQLException {
        try (PreparedStatement statement = codd.prepareStatement("SELECT * FROM typed WHERE i = ? AND s = ?")) {
            statement.setInt(1, 1);
            SQLException e = assertThrows(SQLException.class, statement::executeQuery);
            assertEquals("07001", e.getSQLState());
            assertTrue(e.getMessage().contains("Parameter 2 is not set"), e.getMessage());
        }
    }

    @Test
    void listsTablesAndColumns() throws SQLException {
        DatabaseMetaData meta = codd.getMetaData();
        assertEquals("Codd", meta.getDatabaseProductName());
        List<String> tables = new ArrayList<>();
        try (ResultSet result = meta.getTables(null, "main", "%", null)) {
            while (result.next()) {
                tables.add(result.getString("TABLE_SCHEM") + "." + result.getString("TABLE_NAME") + ":"
                        + result.getString("TABLE_TYPE"));
            }
        }
        assertEquals(List.of("main.typed:TABLE"), tables);
        List<String> columns = new ArrayList<>();
        try (ResultSet result = meta.getColumns(null, "main", "typed", null)) {
            while (result.next()) {
                columns.add(result.getInt("ORDINAL_POSITION") + " " + result.getString("COLUMN_NAME") + " "
                        + result.getInt("DATA_TYPE") + " " + result.getString("TYPE_NAME"));
            }
        }
        assertEquals(List.of("1 b 16 BOOLEAN", "2 i 4 INTEGER", "3 l -5 BIGINT", "4 d 8 DOUBLE",
                "5 m 3 DECIMAL(18,4)", "6 s 12 VARCHAR", "7 day 91 DATE", "8 ts 93 TIMESTAMP"), columns);
        try (ResultSet result = meta.getColumns(null, null, "typ%", "d%")) {
            List<String> matched = new ArrayList<>();
            while (result.next()) {
                matched.add(result.getString("COLUMN_NAME"));
            }
            assertEquals(List.of("d", "day"), matched);
        }
        // names match without regard to case; an escaped _ is itself
        try (ResultSet result = meta.getColumns(null, null, "TYPED", "D_Y")) {
            assertTrue(result.next());
            assertEquals("day", result.getString("COLUMN_NAME"));
        }
        assertEquals("\\", meta.getSearchStringEscape());
        try (ResultSet result = meta.getTables(null, null, "typ\\_d", null)) {
            assertFalse(result.next(), "typ\\_d is the name typ_d, not a pattern for typed");
        }
    }

    @Test
    void queriesWithoutTablesRunAtTheRequester() throws SQLException {
        assertEquals(List.of(List.of(2L, "a")), QueryAssertions.rows(codd, "SELECT 1 + 1 AS two, 'a' AS letter"));
        assertEquals(List.of(List.of(3L), List.of(4L)),
                QueryAssertions.rows(codd, "SELECT x FROM (VALUES (3), (4)) AS t(x) ORDER BY x"));
    }

    @Test
    void parameterMetaDataTellsTheTypesWhereTheMarkersStand() throws SQLException {
        try (PreparedStatement statement = codd.prepareStatement(
                "SELECT s FROM typed WHERE i = ? AND l > ? AND m < ? AND day = ? AND s LIKE ? AND ? IS NULL")) {
            java.sql.ParameterMetaData parameters = statement.getParameterMetaData();
            assertEquals(6, parameters.getParameterCount());
            assertEquals(List.of(Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.DATE, Types.VARCHAR),
                    List.of(parameters.getParameterType(1), parameters.getParameterType(2), parameters.getParameterType(3),
                            parameters.getParameterType(4), parameters.getParameterType(5)));
            statement.setInt(1, 1);
            statement.setLong(2, 0);
            statement.setBigDecimal(3, new BigDecimal("99999999999999"));
            statement.setDate(4, java.sql.Date.valueOf("2024-02-29"));
            statement.setString(5, "%n");
            statement.setNull(6, Types.INTEGER);
            assertEquals(List.of("één"), column(statement));
        }
        try (PreparedStatement statement = codd.prepareStatement("SELECT ?")) {
            assertEquals("ANY", statement.getParameterMetaData().getParameterTypeName(1), "nothing tells its type");
            statement.setInt(1, 7);
            assertEquals(List.of("7"), column(statement));
        }
    }

    @Test
    void maxRowsStopsTheResultThere() throws SQLException {
        try (Statement statement = codd.createStatement()) {
            statement.setMaxRows(2);
            try (ResultSet result = statement.executeQuery("SELECT i FROM typed ORDER BY l, i")) {
                assertTrue(result.next());
                assertTrue(result.next());
                assertFalse(result.next(), "no third row");
            }
            statement.setMaxRows(0);
            try (ResultSet result = statement.executeQuery("SELECT i FROM typed")) {
                int rows = 0;
                while (result.next()) {
                    rows++;
                }
                assertEquals(3, rows);
            }
        }
        try (PreparedStatement statement = codd.prepareStatement("SELECT i FROM typed WHERE l > ?")) {
            statement.setMaxRows(1);
            statement.setLong(1, 0);
            assertEquals(1, column(statement).size());
        }
    }

    @Test
    void misuseIsAnSqlExceptionNeverAnotherException() throws SQLException {
        Connection closed = DriverManager.getConnection(cluster.jdbcUrl());
        closed.close();
        assertThrows(SQLException.class, closed::createStatement);
        assertThrows(SQLException.class, () -> closed.prepareStatement("SELECT 1"));
        assertThrows(SQLException.class, closed::getMetaData);
        try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery("SELECT i FROM typed")) {
            assertThrows(SQLException.class, () -> result.getInt(1), "before the first row");
            assertTrue(result.next());
            assertThrows(SQLException.class, () -> result.getInt(0));
            assertThrows(SQLException.class, () -> result.getObject(0));
            assertThrows(SQLException.class, () -> result.getString("no_such_column"));
            assertThrows(SQLException.class, () -> result.findColumn("no_such_column"));
            while (result.next()) {
                result.getInt(1);
            }
            assertEquals("24000", assertThrows(SQLException.class, () -> result.getInt(1), "after the last row")
                    .getSQLState());
        }
        try (PreparedStatement statement = codd.prepareStatement("SELECT i FROM typed WHERE i = ?")) {
            assertThrows(SQLException.class, () -> statement.setInt(0, 1));
            assertThrows(SQLException.class, () -> statement.setInt(2, 1));
        }
    }

    @Test
    void closedAndOutOfRangeAccessIsAnError() throws SQLException {
        Statement statement = codd.createStatement();
        ResultSet result = statement.executeQuery("SELECT i FROM typed");
        assertTrue(result.next());
        assertThrows(SQLException.class, () -> result.getInt(2));
        result.close();
        assertThrows(SQLException.class, result::next);
        statement.close();
        assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1"));
    }

    private static List<String> column(PreparedStatement statement) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }
}
