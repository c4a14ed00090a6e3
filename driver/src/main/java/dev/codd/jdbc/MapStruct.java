package dev.codd.jdbc;

import java.sql.Struct;
import java.util.Map;

/** A STRUCT value as JDBC's {@link Struct}: its fields' values in their declared order. */
final class MapStruct implements Struct {
    private final Map<?, ?> fields;

    MapStruct(Map<?, ?> fields) {
        this.fields = fields;
    }

    @Override
    public String getSQLTypeName() {
        return "STRUCT";
    }

    @Override
    public Object[] getAttributes() {
        return fields.values().stream().map(ListArray::plain).toArray();
    }

    @Override
    public Object[] getAttributes(Map<String, Class<?>> map) {
        return getAttributes();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
