package dev.codd.planner;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/** Calcite's type rules bent to DuckDB's, so that planning decisions match what DuckDB will run. */
final class CoddTypeSystem extends RelDataTypeSystemImpl {
    public static final CoddTypeSystem INSTANCE = new CoddTypeSystem();

    private CoddTypeSystem() {}

    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        return switch (typeName) {
            case DECIMAL -> 38;
            // DuckDB keeps microseconds
            case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> 6;
            default -> super.getMaxPrecision(typeName);
        };
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
    }

    /** DuckDB's AVG is DOUBLE for every numeric input; a DECIMAL average would round. */
    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        RelDataType dbl = typeFactory.createSqlType(SqlTypeName.DOUBLE);
        return typeFactory.createTypeWithNullability(dbl, argumentType.isNullable());
    }

    /** DuckDB rounds half away from zero when a cast drops digits; Calcite would truncate when it folds one. */
    @Override
    public java.math.RoundingMode roundingMode() {
        return java.math.RoundingMode.HALF_UP;
    }

    /** CASE 'a' ELSE 'bb' is VARCHAR, not a blank-padded CHAR(2), as in DuckDB. */
    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }
}
