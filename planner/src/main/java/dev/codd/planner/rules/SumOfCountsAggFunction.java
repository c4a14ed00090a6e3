package dev.codd.planner.rules;

import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.Optionality;

/**
 * The final step of a COUNT split across nodes: the sum of the partial counts, as BIGINT. Plain
 * SUM would give DuckDB's HUGEINT where DuckDB alone gives BIGINT for COUNT.
 */
public final class SumOfCountsAggFunction extends SqlAggFunction {
    public static final SumOfCountsAggFunction INSTANCE = new SumOfCountsAggFunction();

    private SumOfCountsAggFunction() {
        super("SUM_OF_COUNTS", null, SqlKind.OTHER_FUNCTION, ReturnTypes.BIGINT, null, OperandTypes.NUMERIC,
                SqlFunctionCategory.NUMERIC, false, false, Optionality.FORBIDDEN);
    }

    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlParserPos pos = SqlParserPos.ZERO;
        SqlNode sum = SqlStdOperatorTable.SUM.createCall(pos, call.getOperandList());
        SqlNode zeroIfEmpty = SqlStdOperatorTable.COALESCE.createCall(pos, sum, SqlLiteral.createExactNumeric("0", pos));
        SqlDataTypeSpec bigint = new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.BIGINT, pos), pos);
        SqlStdOperatorTable.CAST.createCall(pos, zeroIfEmpty, bigint).unparse(writer, leftPrec, rightPrec);
    }
}
