package dev.codd.planner;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAbstractDateTimeLiteral;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's DuckDB dialect with the fixes DuckDB needs to parse and type what Calcite writes: casts
 * name DuckDB's own types (no length, no CHARACTER SET), string literals carry no charset prefix
 * and are plain UTF-8.
 */
final class CoddSqlDialect extends DuckDBSqlDialect {
    public static final SqlDialect INSTANCE = new CoddSqlDialect();

    private CoddSqlDialect() {
        super(DuckDBSqlDialect.DEFAULT_CONTEXT.withDataTypeSystem(CoddTypeSystem.INSTANCE));
    }

    @Override
    public boolean supportsCharSet() {
        return false;
    }

    /** DuckDB takes no aggregate of an aggregate or of a window in one SELECT: the inner one goes in a sub-query. */
    @Override
    public boolean supportsNestedAggregations() {
        return false;
    }

    @Override
    public void quoteStringLiteral(StringBuilder buf, @Nullable String charsetName, String val) {
        buf.append('\'').append(val.replace("'", "''")).append('\'');
    }

    @Override
    public void quoteStringLiteralUnicode(StringBuilder buf, String val) {
        quoteStringLiteral(buf, null, val);
    }

    /** DuckDB reads LIMIT and OFFSET; it does not read FETCH NEXT. */
    @Override
    public void unparseOffsetFetch(SqlWriter writer, @Nullable SqlNode offset, @Nullable SqlNode fetch) {
        unparseFetchUsingLimit(writer, offset, fetch);
    }

    /** An instant (TIMESTAMP WITH LOCAL TIME ZONE, kept in UTC) as DuckDB reads one: a TIMESTAMPTZ at +00. */
    @Override
    public void unparseDateTimeLiteral(SqlWriter writer, SqlAbstractDateTimeLiteral literal, int leftPrec,
            int rightPrec) {
        if (literal.getTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE) {
            writer.literal("CAST('" + literal.toFormattedString() + "+00' AS TIMESTAMPTZ)");
        } else {
            super.unparseDateTimeLiteral(writer, literal, leftPrec, rightPrec);
        }
    }

    @Override
    public @Nullable SqlNode getCastSpec(RelDataType type) {
        String duckdbType = switch (type.getSqlTypeName()) {
            case CHAR, VARCHAR -> "VARCHAR";
            case BINARY, VARBINARY -> "BLOB";
            case REAL -> "REAL";
            case FLOAT -> "FLOAT"; // DuckDB's FLOAT is four bytes, as the user who wrote it meant there
            case DOUBLE -> "DOUBLE";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> "TIMESTAMPTZ";
            case TIME -> "TIME";
            default -> null;
        };
        if (duckdbType == null) {
            return super.getCastSpec(type);
        }
        SqlTypeName typeName = type.getSqlTypeName();
        return new SqlDataTypeSpec(new SqlAlienSystemTypeNameSpec(duckdbType, typeName, SqlParserPos.ZERO),
                SqlParserPos.ZERO);
    }
}
