package dev.codd.planner;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlBasicAggFunction;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;

/**
 * DuckDB's aggregate functions that Calcite does not know (and its {@code mode}), typed as DuckDB
 * types their results. Calcite passes an unknown function through as a scalar one, so without
 * these {@code median(x)} failed as "Expression 'x' is not being grouped". None splits over the
 * nodes: the requester computes them over the rows the nodes filtered.
 */
final class DuckDbAggregates {
    private DuckDbAggregates() {}

    /** The argument's type: a value of the input. */
    private static final SqlReturnTypeInference AS_ARGUMENT = ReturnTypes.ARG0_FORCE_NULLABLE;

    /** DOUBLE, whatever the arguments; NULL where too few rows are given. */
    private static final SqlReturnTypeInference DOUBLE = ReturnTypes.DOUBLE.andThen(SqlTypeTransforms.FORCE_NULLABLE);

    /**
     * A value interpolated between two of the input: DOUBLE for integers, TIMESTAMP for dates,
     * else the argument's type.
     */
    private static final SqlReturnTypeInference INTERPOLATED = binding -> {
        RelDataType argument = binding.getOperandType(0);
        var types = binding.getTypeFactory();
        RelDataType type = SqlTypeFamily.INTEGER.contains(argument) ? types.createSqlType(SqlTypeName.DOUBLE)
                : argument.getSqlTypeName() == SqlTypeName.DATE ? types.createSqlType(SqlTypeName.TIMESTAMP, 6)
                : argument;
        return types.createTypeWithNullability(type, true);
    };

    /** A count DuckDB gives as HUGEINT, which Codd reads as DECIMAL(38,0); 0 over no rows. */
    private static final SqlReturnTypeInference HUGE_COUNT = binding -> binding.getTypeFactory()
            .createSqlType(SqlTypeName.DECIMAL, 38, 0);

    static final List<SqlAggFunction> ALL = List.of(
            aggregate("MEDIAN", INTERPOLATED),
            aggregate("QUANTILE_CONT", INTERPOLATED),
            aggregate("QUANTILE_DISC", AS_ARGUMENT),
            aggregate("QUANTILE", AS_ARGUMENT),
            aggregate("APPROX_QUANTILE", AS_ARGUMENT),
            aggregate("RESERVOIR_QUANTILE", AS_ARGUMENT),
            aggregate("MODE", AS_ARGUMENT),
            aggregate("ARBITRARY", AS_ARGUMENT),
            aggregate("LAST", AS_ARGUMENT),
            aggregate("MAX_BY", AS_ARGUMENT),
            aggregate("MIN_BY", AS_ARGUMENT),
            aggregate("LIST", ReturnTypes.ARG0.andThen(SqlTypeTransforms.TO_ARRAY)
                    .andThen(SqlTypeTransforms.FORCE_NULLABLE)),
            aggregate("COUNT_IF", HUGE_COUNT),
            aggregate("COUNTIF", HUGE_COUNT),
            aggregate("CORR", DOUBLE),
            aggregate("REGR_SLOPE", DOUBLE),
            aggregate("REGR_INTERCEPT", DOUBLE),
            aggregate("REGR_R2", DOUBLE),
            aggregate("REGR_AVGX", DOUBLE),
            aggregate("REGR_AVGY", DOUBLE),
            aggregate("REGR_SXY", DOUBLE),
            aggregate("KURTOSIS", DOUBLE),
            aggregate("KURTOSIS_POP", DOUBLE),
            aggregate("SKEWNESS", DOUBLE),
            aggregate("ENTROPY", DOUBLE),
            aggregate("PRODUCT", DOUBLE),
            aggregate("FSUM", DOUBLE),
            aggregate("SUMKAHAN", DOUBLE),
            aggregate("KAHAN_SUM", DOUBLE),
            aggregate("FAVG", DOUBLE),
            aggregate("GEOMEAN", DOUBLE),
            aggregate("GEOMETRIC_MEAN", DOUBLE));

    /** The aggregate of {@code name}, which must be one of these. */
    static SqlAggFunction named(String name) {
        return ALL.stream().filter(aggregate -> aggregate.getName().equals(name)).findFirst().orElseThrow();
    }

    /** An aggregate DuckDB checks the arguments of when it runs. */
    private static SqlAggFunction aggregate(String name, SqlReturnTypeInference returns) {
        return SqlBasicAggFunction.create(name, SqlKind.OTHER_FUNCTION, returns, OperandTypes.ONE_OR_MORE);
    }
}
