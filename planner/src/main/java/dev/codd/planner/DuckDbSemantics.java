package dev.codd.planner;

import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Gives a query DuckDB's meaning where DuckDB's SQL differs from the standard Calcite follows:
 * {@code /} on numbers is a DOUBLE division (7 / 2 = 3.5), and a bare {@code DECIMAL} is
 * DECIMAL(18,3). Calcite would otherwise type expressions its own way and write casts to those
 * types into the SQL DuckDB runs (CASE … THEN k / 3 ELSE 0.5 would round to one decimal). DuckDB's
 * names of the types Calcite knows by others ({@code HUGEINT}, {@code INT8}, …) are read as those.
 */
final class DuckDbSemantics extends SqlShuttle {
    /** DuckDB's {@code /}: DOUBLE for numbers, as standard for intervals and the rest; first in the operator table. */
    static final SqlBinaryOperator DIVIDE = new SqlBinaryOperator("/", SqlKind.DIVIDE, 60, true,
            DuckDbSemantics::divideType, InferTypes.FIRST_KNOWN, OperandTypes.DIVISION_OPERATOR);

    private static RelDataType divideType(SqlOperatorBinding binding) {
        RelDataType left = binding.getOperandType(0);
        RelDataType right = binding.getOperandType(1);
        if (SqlTypeUtil.isNumeric(left) && SqlTypeUtil.isNumeric(right)) {
            RelDataTypeFactory factory = binding.getTypeFactory();
            return factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.DOUBLE),
                    left.isNullable() || right.isNullable());
        }
        return ReturnTypes.QUOTIENT_NULLABLE.inferReturnType(binding);
    }

    static SqlNode apply(SqlNode statement) {
        return statement.accept(new DuckDbSemantics());
    }

    /**
     * The standard type a DuckDB type name means exactly; null for names that mean something else
     * (unsigned integers, JSON, TIMESTAMP_S …), which stay unknown rather than become something near.
     * HUGEINT is DECIMAL(38,0), as the driver reports HUGEINT columns: 38 digits, not HUGEINT's 39.
     */
    private static SqlBasicTypeNameSpec synonym(String name, SqlParserPos pos) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "HUGEINT" -> new SqlBasicTypeNameSpec(SqlTypeName.DECIMAL, 38, 0, null, pos);
            case "INT1" -> new SqlBasicTypeNameSpec(SqlTypeName.TINYINT, pos);
            case "INT2" -> new SqlBasicTypeNameSpec(SqlTypeName.SMALLINT, pos);
            case "INT4", "SIGNED" -> new SqlBasicTypeNameSpec(SqlTypeName.INTEGER, pos);
            case "INT8", "LONG" -> new SqlBasicTypeNameSpec(SqlTypeName.BIGINT, pos);
            case "FLOAT4" -> new SqlBasicTypeNameSpec(SqlTypeName.REAL, pos);
            case "FLOAT8" -> new SqlBasicTypeNameSpec(SqlTypeName.DOUBLE, pos);
            case "BOOL", "LOGICAL" -> new SqlBasicTypeNameSpec(SqlTypeName.BOOLEAN, pos);
            case "TEXT", "STRING" -> new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, pos);
            case "BYTEA", "BLOB" -> new SqlBasicTypeNameSpec(SqlTypeName.VARBINARY, pos);
            case "DATETIME" -> new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, 6, pos);
            default -> null;
        };
    }

    /**
     * DuckDB's aggregates {@code first(x)} and {@code last(x)}, which Calcite's parser reads as
     * MATCH_RECOGNIZE's functions (DuckDB has no MATCH_RECOGNIZE); DuckDB's {@code first} is its
     * {@code arbitrary}.
     */
    @Override
    public SqlNode visit(SqlCall call) {
        if ((call.getKind() == SqlKind.FIRST || call.getKind() == SqlKind.LAST) && call.operandCount() > 0) {
            SqlNode value = call.operand(0).accept(this);
            return DuckDbAggregates.named(call.getKind() == SqlKind.FIRST ? "ARBITRARY" : "LAST")
                    .createCall(call.getParserPosition(), value);
        }
        return super.visit(call);
    }

    @Override
    public SqlNode visit(SqlDataTypeSpec type) {
        if (type.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec named && named.getTypeName().isSimple()) {
            SqlBasicTypeNameSpec synonym = synonym(named.getTypeName().getSimple(), named.getParserPos());
            if (synonym != null) {
                return new SqlDataTypeSpec(synonym, type.getTimeZone(), type.getParserPosition());
            }
        }
        if (type.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic
                && (basic.getTypeName().getSimple().equalsIgnoreCase("DECIMAL")
                        || basic.getTypeName().getSimple().equalsIgnoreCase("NUMERIC"))
                && basic.getPrecision() < 0) {
            return new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.DECIMAL, 18, 3, null, basic.getParserPos()),
                    type.getTimeZone(), type.getParserPosition());
        }
        return type;
    }
}
