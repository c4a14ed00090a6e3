package dev.codd.jdbc;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.util.Text;

/** A LIST value as JDBC's {@link Array}: its elements as Java objects, read whole (they are in memory already). */
final class ListArray implements Array {
    private final List<?> elements;

    ListArray(List<?> elements) {
        this.elements = elements;
    }

    @Override
    public String getBaseTypeName() {
        return "ANY";
    }

    @Override
    public int getBaseType() {
        return Types.OTHER;
    }

    @Override
    public Object getArray() {
        return elements.stream().map(ListArray::plain).toArray();
    }

    /** An element as plain Java: Arrow's nested values hold strings as its Text, and lists and maps of them. */
    static Object plain(Object value) {
        if (value instanceof Text text) {
            return text.toString();
        } else if (value instanceof List<?> list) {
            return list.stream().map(ListArray::plain).toList();
        } else if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, element) -> copy.put(key, plain(element)));
            return copy;
        }
        return value;
    }

    @Override
    public Object getArray(Map<String, Class<?>> map) {
        return getArray();
    }

    /** Elements {@code index} (from 1) to {@code index + count - 1}, as JDBC counts them. */
    @Override
    public Object getArray(long index, int count) throws SQLException {
        if (index < 1 || count < 0 || index - 1 + count > elements.size()) {
            throw new SQLException("Elements " + index + " to " + (index + count - 1) + " are not in an array of "
                    + elements.size(), "2202E");
        }
        return elements.subList((int) index - 1, (int) index - 1 + count).stream().map(ListArray::plain).toArray();
    }

    @Override
    public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return getArray(index, count);
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        throw new SQLFeatureNotSupportedException("An array's elements come from getArray(), not as a ResultSet",
                "0A000");
    }

    @Override
    public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
        return getResultSet();
    }

    @Override
    public ResultSet getResultSet(long index, int count) throws SQLException {
        return getResultSet();
    }

    @Override
    public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return getResultSet();
    }

    @Override
    public void free() {
        // nothing is held outside the Java heap
    }

    @Override
    public String toString() {
        return elements.toString();
    }
}
