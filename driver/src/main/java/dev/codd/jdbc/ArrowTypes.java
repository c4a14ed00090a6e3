package dev.codd.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ColumnMetaData.Rep;

/** What an Arrow field is in JDBC's terms: its {@link Types} code, type name, size and Java class. */
final class ArrowTypes {
    /** Flight SQL's column metadata key for the server's own type name. */
    private static final String TYPE_NAME_KEY = "ARROW:FLIGHT:SQL:TYPE_NAME";

    /** A JDBC type, and the representation the cursor hands Avatica's accessors. */
    record JdbcType(int id, String name, Rep rep, int precision, int scale, boolean signed, String className) {}

    private ArrowTypes() {}

    static JdbcType of(Field field) {
        ArrowType type = field.getType();
        JdbcType jdbc = switch (type.getTypeID()) {
            case Bool -> new JdbcType(Types.BOOLEAN, "BOOLEAN", Rep.BOOLEAN, 1, 0, false, Boolean.class.getName());
            case Int -> integer((ArrowType.Int) type);
            case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.SINGLE
                    ? new JdbcType(Types.REAL, "REAL", Rep.FLOAT, 7, 0, true, Float.class.getName())
                    : new JdbcType(Types.DOUBLE, "DOUBLE", Rep.DOUBLE, 15, 0, true, Double.class.getName());
            case Decimal -> {
                ArrowType.Decimal decimal = (ArrowType.Decimal) type;
                yield new JdbcType(Types.DECIMAL, "DECIMAL", Rep.NUMBER, decimal.getPrecision(), decimal.getScale(),
                        true, java.math.BigDecimal.class.getName());
            }
            case Utf8, LargeUtf8, Utf8View -> new JdbcType(Types.VARCHAR, "VARCHAR", Rep.STRING, Integer.MAX_VALUE, 0,
                    false, String.class.getName());
            case Binary, LargeBinary, FixedSizeBinary, BinaryView -> new JdbcType(Types.VARBINARY, "BLOB",
                    Rep.BYTE_STRING, Integer.MAX_VALUE, 0, false, byte[].class.getName());
            case Date -> new JdbcType(Types.DATE, "DATE", Rep.OBJECT, 10, 0, false, java.sql.Date.class.getName());
            case Time -> new JdbcType(Types.TIME, "TIME", Rep.OBJECT, 15, 6, false, java.sql.Time.class.getName());
            case Timestamp -> ((ArrowType.Timestamp) type).getTimezone() == null
                    ? new JdbcType(Types.TIMESTAMP, "TIMESTAMP", Rep.OBJECT, 26, 6, false,
                            java.sql.Timestamp.class.getName())
                    : new JdbcType(Types.TIMESTAMP_WITH_TIMEZONE, "TIMESTAMP WITH TIME ZONE", Rep.OBJECT, 32, 6,
                            false, java.time.OffsetDateTime.class.getName());
            case Null -> new JdbcType(Types.NULL, "NULL", Rep.OBJECT, 0, 0, false, Object.class.getName());
            default -> new JdbcType(Types.OTHER, type.getTypeID().name().toUpperCase(java.util.Locale.ROOT), Rep.OBJECT,
                    0, 0, false, Object.class.getName());
        };
        String serverName = field.getMetadata() == null ? null : field.getMetadata().get(TYPE_NAME_KEY);
        return serverName == null ? jdbc
                : new JdbcType(jdbc.id(), serverName, jdbc.rep(), jdbc.precision(), jdbc.scale(), jdbc.signed(),
                        jdbc.className());
    }

    private static JdbcType integer(ArrowType.Int type) {
        boolean signed = type.getIsSigned();
        int bits = signed ? type.getBitWidth() : type.getBitWidth() * 2;
        return switch (bits) {
            case 8 -> new JdbcType(Types.TINYINT, "TINYINT", Rep.BYTE, 3, 0, true, Byte.class.getName());
            case 16 -> new JdbcType(Types.SMALLINT, "SMALLINT", Rep.SHORT, 5, 0, true, Short.class.getName());
            case 32 -> new JdbcType(Types.INTEGER, "INTEGER", Rep.INTEGER, 10, 0, true, Integer.class.getName());
            case 64 -> new JdbcType(Types.BIGINT, "BIGINT", Rep.LONG, 19, 0, true, Long.class.getName());
            default -> new JdbcType(Types.DECIMAL, "UBIGINT", Rep.NUMBER, 20, 0, false,
                    java.math.BigDecimal.class.getName());
        };
    }

    static ColumnMetaData columnMetaData(int ordinal, Field field) {
        JdbcType type = of(field);
        ColumnMetaData.AvaticaType avaticaType = ColumnMetaData.scalar(type.id(), type.name(), type.rep());
        boolean text = type.id() == Types.VARCHAR;
        Map<String, String> metadata = field.getMetadata();
        return new ColumnMetaData(ordinal, false, text, true, false,
                field.isNullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                type.signed(), displaySize(type), field.getName(), field.getName(),
                metadata == null ? null : metadata.get("ARROW:FLIGHT:SQL:SCHEMA_NAME"),
                type.precision(), type.scale(),
                metadata == null ? null : metadata.get("ARROW:FLIGHT:SQL:TABLE_NAME"),
                metadata == null ? null : metadata.get("ARROW:FLIGHT:SQL:CATALOG_NAME"),
                avaticaType, true, false, false, type.className());
    }

    private static int displaySize(JdbcType type) {
        return switch (type.id()) {
            case Types.DECIMAL -> type.precision() + 2;
            case Types.VARCHAR, Types.VARBINARY -> Integer.MAX_VALUE;
            default -> Math.max(type.precision(), type.name().length());
        };
    }
}
