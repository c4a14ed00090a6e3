package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Runs a query on Codd and on the oracle (DuckDB alone over the same files) and compares the
 * column types and the rows: in order when the query orders them, as multisets otherwise. Decimals
 * must match exactly; doubles to a relative 1e-9, since sums of doubles depend on the order of
 * addition.
 */
public final class QueryAssertions {
    private QueryAssertions() {}

    public static void assertSameResult(Connection codd, Connection oracle, String sql) throws SQLException {
        List<ColumnType> coddTypes = new ArrayList<>();
        List<ColumnType> oracleTypes = new ArrayList<>();
        List<List<Object>> actual = rows(codd, sql, coddTypes);
        List<List<Object>> expected = rows(oracle, sql, oracleTypes);
        if (!coddTypes.stream().map(ColumnType::jdbc).toList()
                .equals(oracleTypes.stream().map(ColumnType::asCodd).toList())) {
            fail("Column types differ: Codd " + coddTypes + ", DuckDB " + oracleTypes + "\nSQL: " + sql);
        }
        boolean ordered = sql.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").matches("(?s).*\\bORDER BY\\b[^)]*$");
        if (!ordered) {
            Comparator<List<Object>> byText = Comparator.comparing(Object::toString);
            actual.sort(byText);
            expected.sort(byText);
        }
        if (actual.size() != expected.size()) {
            fail("Row counts differ: Codd " + actual.size() + ", DuckDB " + expected.size() + "\nCodd first rows: "
                    + head(actual) + "\nDuckDB first rows: " + head(expected) + "\nSQL: " + sql);
        }
        for (int i = 0; i < actual.size(); i++) {
            if (!sameRow(actual.get(i), expected.get(i))) {
                fail("Row " + i + " differs:\n  Codd   " + actual.get(i) + "\n  DuckDB " + expected.get(i) + "\nSQL: " + sql);
            }
        }
    }

    /** All rows of a query, each value normalized so that Codd's and DuckDB's drivers compare. */
    /** The rows of {@code sql}, each integer as a long (whatever its width), other values as JDBC gives them. */
    public static List<List<Object>> numbers(Connection connection, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    row.add(value instanceof Number number && !(value instanceof Double || value instanceof Float)
                            ? number.longValue() : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public static List<List<Object>> rows(Connection connection, String sql) throws SQLException {
        return rows(connection, sql, new ArrayList<>());
    }

    /** Nodes join a few heartbeats after they start: retries {@code sql} for 30 s until it answers {@code expected}. */
    public static void awaitRows(Connection connection, String sql, List<List<Object>> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                List<List<Object>> rows = rows(connection, sql);
                if (rows.equals(expected)) {
                    return;
                }
                last = rows;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        assertEquals(expected, last);
    }

    private static List<List<Object>> rows(Connection connection, String sql, List<ColumnType> types)
            throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            for (int i = 1; i <= columns; i++) {
                types.add(new ColumnType(JDBCType.valueOf(result.getMetaData().getColumnType(i)),
                        result.getMetaData().getColumnTypeName(i)));
            }
            while (result.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(normalize(result.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** A column's type as a driver reports it. */
    private record ColumnType(JDBCType jdbc, String name) {
        /**
         * The JDBC type Codd reports for this column of DuckDB's driver: HUGEINT (DuckDB's SUM of
         * integers) is OTHER there and DECIMAL in Codd; a four-byte FLOAT is FLOAT there and REAL,
         * JDBC's name for it, in Codd.
         */
        JDBCType asCodd() {
            if (name.equals("HUGEINT")) {
                return JDBCType.DECIMAL;
            }
            return jdbc == JDBCType.FLOAT ? JDBCType.REAL : jdbc;
        }
    }

    private static Object normalize(Object value) {
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        } else if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        } else if (value instanceof Float f) {
            return f.doubleValue();
        } else if (value instanceof Date date) {
            return date.toLocalDate();
        } else if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime();
        } else if (value instanceof LocalDate || value instanceof LocalDateTime) {
            return value;
        }
        return value;
    }

    private static boolean sameRow(List<Object> actual, List<Object> expected) {
        if (actual.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            Object a = actual.get(i);
            Object e = expected.get(i);
            if (a instanceof Double x && e instanceof Double y) {
                if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)))) {
                    return false;
                }
            } else if (!Objects.equals(a, e)) {
                return false;
            }
        }
        return true;
    }

    private static String head(List<List<Object>> rows) {
        return rows.subList(0, Math.min(5, rows.size())).toString();
    }
}
