package dev.codd.planner;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** Reads DuckDB's type names (as DESCRIBE prints them) into Calcite types. */
final class DuckDbTypes {
    private static final Pattern DECIMAL = Pattern.compile("(?:DECIMAL|NUMERIC)\\((\\d+),\\s*(\\d+)\\)");

    private DuckDbTypes() {}

    /** A nullable Calcite type for a DuckDB type; types Calcite cannot reason about become ANY. */
    public static RelDataType toRelDataType(RelDataTypeFactory factory, String duckdbType) {
        String type = duckdbType.trim().toUpperCase(Locale.ROOT);
        Matcher decimal = DECIMAL.matcher(type);
        RelDataType relType;
        if (decimal.matches()) {
            relType = factory.createSqlType(SqlTypeName.DECIMAL,
                    Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
        } else {
            relType = switch (type) {
                case "BOOLEAN", "BOOL" -> factory.createSqlType(SqlTypeName.BOOLEAN);
                case "TINYINT", "INT1" -> factory.createSqlType(SqlTypeName.TINYINT);
                case "SMALLINT", "INT2", "UTINYINT" -> factory.createSqlType(SqlTypeName.SMALLINT);
                case "INTEGER", "INT", "INT4", "USMALLINT" -> factory.createSqlType(SqlTypeName.INTEGER);
                case "BIGINT", "INT8", "UINTEGER" -> factory.createSqlType(SqlTypeName.BIGINT);
                case "HUGEINT", "UBIGINT", "UHUGEINT" -> factory.createSqlType(SqlTypeName.DECIMAL, 38, 0);
                case "FLOAT", "REAL", "FLOAT4" -> factory.createSqlType(SqlTypeName.REAL);
                case "DOUBLE", "FLOAT8" -> factory.createSqlType(SqlTypeName.DOUBLE);
                case "DECIMAL", "NUMERIC" -> factory.createSqlType(SqlTypeName.DECIMAL, 18, 3);
                case "VARCHAR", "TEXT", "STRING", "JSON" -> factory.createSqlType(SqlTypeName.VARCHAR);
                case "BLOB", "BYTEA", "VARBINARY" -> factory.createSqlType(SqlTypeName.VARBINARY);
                case "DATE" -> factory.createSqlType(SqlTypeName.DATE);
                case "TIME" -> factory.createSqlType(SqlTypeName.TIME, 6);
                case "TIMESTAMP", "DATETIME", "TIMESTAMP_US" -> factory.createSqlType(SqlTypeName.TIMESTAMP, 6);
                case "TIMESTAMP_S" -> factory.createSqlType(SqlTypeName.TIMESTAMP, 0);
                case "TIMESTAMP_MS" -> factory.createSqlType(SqlTypeName.TIMESTAMP, 3);
                case "TIMESTAMP_NS" -> factory.createSqlType(SqlTypeName.TIMESTAMP, 6);
                case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" ->
                        factory.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6);
                default -> factory.createSqlType(SqlTypeName.ANY);
            };
        }
        return factory.createTypeWithNullability(relType, true);
    }
}
