package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The types DriverTest does not cover, from a node's Parquet data and from parameters: TINYINT,
 * SMALLINT, REAL, BLOB, TIME to the microsecond, TIMESTAMP WITH TIME ZONE, UUID, LIST and STRUCT, and
 * the java.time types of JDBC 4.2 through {@code getObject(i, Class)} and {@code setObject}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypesRoundTripTest {
    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        Path table = Files.createDirectories(root.resolve("node1/kinds"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT 1::TINYINT AS ti, 2::SMALLINT AS si, 1.5::REAL AS r, '\\x01\\xFF'::BLOB AS bl,"
                    + " TIME '13:14:15.123456' AS tm, TIMESTAMPTZ '2024-02-29 13:14:15.5+00' AS tz, DATE '2024-02-29' AS dt,"
                    + " '550e8400-e29b-41d4-a716-446655440000'::UUID AS u, [1, 2, NULL] AS li, {'a': 1, 'b': 'x'} AS st)"
                    + " TO '" + table.resolve("k.parquet") + "'");
        }
        cluster = LocalCluster.start(List.of(root.resolve("node1")));
        codd = DriverManager.getConnection(cluster.jdbcUrl());
    }

    @AfterAll
    void stop() throws SQLException {
        codd.close();
        cluster.close();
    }

    @Test
    void fromNodeData() throws SQLException {
        try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery("SELECT * FROM kinds")) {
            ResultSetMetaData columns = result.getMetaData();
            assertTrue(result.next());
            assertEquals((byte) 1, result.getObject("ti"));
            assertEquals(Types.TINYINT, columns.getColumnType(1));
            assertEquals((short) 2, result.getObject("si"));
            assertEquals(1.5f, result.getObject("r"));
            assertEquals(Types.REAL, columns.getColumnType(3));
            assertArrayEquals(new byte[] {1, (byte) 0xFF}, result.getBytes("bl"));
            assertEquals(Types.VARBINARY, columns.getColumnType(4));

            assertEquals(Types.TIME, columns.getColumnType(5));
            assertEquals(LocalTime.of(13, 14, 15, 123_456_000), result.getObject("tm", LocalTime.class));
            assertEquals("13:14:15.123456", result.getString("tm"));
            assertEquals(Time.valueOf(LocalTime.of(13, 14, 15)).getTime() + 123, result.getTime("tm").getTime());

            assertEquals(Types.TIMESTAMP_WITH_TIMEZONE, columns.getColumnType(6));
            OffsetDateTime instant = OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 500_000_000, ZoneOffset.UTC);
            assertEquals(instant, result.getObject("tz"));
            assertEquals(instant, result.getObject(6));
            assertEquals(instant.toInstant(), result.getObject("tz", java.time.Instant.class));
            assertEquals("2024-02-29 13:14:15.5+00", result.getString("tz"));

            assertEquals(LocalDate.of(2024, 2, 29), result.getObject("dt", LocalDate.class));
            assertEquals(java.sql.Date.valueOf("2024-02-29"), result.getObject("dt"));
            assertEquals("2024-02-29", result.getString("dt"));

            // UUID, LIST and STRUCT: text as DuckDB writes them; LIST and STRUCT are also a java.util.List and Map
            assertEquals("550e8400-e29b-41d4-a716-446655440000", result.getString("u"));
            assertEquals("[1,2,null]", result.getString("li"));
            assertEquals(java.util.Arrays.asList(1, 2, null), result.getObject("li"));
            java.sql.Array array = result.getArray("li");
            assertArrayEquals(new Object[] {1, 2, null}, (Object[]) array.getArray());
            assertArrayEquals(new Object[] {2}, (Object[]) array.getArray(2, 1));
            assertThrows(SQLException.class, () -> result.getArray("st"), "a STRUCT is no array");
            java.sql.Struct struct = result.getObject("st", java.sql.Struct.class);
            assertArrayEquals(new Object[] {1, "x"}, struct.getAttributes());
            assertEquals("STRUCT", struct.getSQLTypeName());
            assertArrayEquals(new Object[] {1, 2, null}, (Object[]) result.getObject("li", java.sql.Array.class).getArray());
            assertThrows(SQLException.class, () -> result.getObject("li", java.sql.Struct.class), "a LIST is no struct");
            assertEquals(Types.OTHER, columns.getColumnType(9));
            assertEquals("{\"a\":1,\"b\":\"x\"}", result.getString("st"));
            assertEquals(1, ((Map<?, ?>) result.getObject("st")).get("a"));
        }
    }

    @Test
    void javaTimeParametersRoundTrip() throws SQLException {
        try (PreparedStatement statement = codd.prepareStatement("SELECT ?, ?, ?")) {
            statement.setObject(1, LocalDate.of(1999, 12, 31));
            statement.setObject(2, LocalTime.of(23, 59, 58, 123_456_000));
            statement.setObject(3, LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(LocalDate.of(1999, 12, 31), result.getObject(1, LocalDate.class));
                assertEquals(LocalTime.of(23, 59, 58, 123_456_000), result.getObject(2, LocalTime.class));
                assertEquals(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), result.getObject(3, LocalDateTime.class));
            }
            // as tools bind them, with the type ParameterMetaData reported
            statement.setObject(1, LocalDate.of(2000, 2, 29), Types.DATE);
            statement.setObject(2, LocalTime.of(1, 2, 3), java.sql.JDBCType.TIME);
            statement.setObject(3, LocalDateTime.of(2001, 2, 3, 4, 5, 6), Types.TIMESTAMP, 6);
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(LocalDate.of(2000, 2, 29), result.getObject(1, LocalDate.class));
                assertEquals(LocalTime.of(1, 2, 3), result.getObject(2, LocalTime.class));
                assertEquals(LocalDateTime.of(2001, 2, 3, 4, 5, 6), result.getObject(3, LocalDateTime.class));
            }
            // an instant with its zone is a TIMESTAMP WITH TIME ZONE: the same instant comes back
            OffsetDateTime zoned = OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000, ZoneOffset.ofHours(2));
            statement.setObject(3, zoned);
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(Types.TIMESTAMP_WITH_TIMEZONE, result.getMetaData().getColumnType(3));
                assertEquals(zoned.toInstant(), result.getObject(3, OffsetDateTime.class).toInstant());
            }
            statement.setObject(3, zoned.toInstant().minusSeconds(86_400));
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(zoned.toInstant().minusSeconds(86_400), result.getObject(3, OffsetDateTime.class).toInstant());
            }
            try (PreparedStatement filter = codd.prepareStatement("SELECT count(*) FROM kinds WHERE tz = ?")) {
                // the node compares the column with the parameter: the same instant, written in another zone
                filter.setObject(1, OffsetDateTime.of(2024, 2, 29, 8, 14, 15, 500_000_000, ZoneOffset.ofHours(-5)));
                try (ResultSet result = filter.executeQuery()) {
                    assertTrue(result.next());
                    assertEquals(1, result.getLong(1));
                }
            }
            statement.setObject(3, new StringBuilder("not a parameter type"));
            SQLException unknown = assertThrows(SQLException.class, statement::executeQuery);
            assertEquals("22023", unknown.getSQLState());
            assertTrue(unknown.getMessage().contains("has a type Codd cannot send: java.lang.StringBuilder"),
                    unknown.getMessage());
        }
    }

    @Test
    void duckDbTypeNamesInCasts() throws SQLException {
        try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery(
                "SELECT CAST(si AS HUGEINT) * 170141183460469231731687303715884105 AS h, CAST(ti AS INT8) AS b FROM kinds")) {
            assertTrue(result.next());
            assertEquals(new java.math.BigDecimal("340282366920938463463374607431768210"), result.getBigDecimal("h"));
            assertEquals(1L, result.getObject("b"));
        }
    }
}
