package dev.codd.node.requester;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The Arrow type a prepared statement's parameter schema gives a {@code ?} marker, from the SQL type
 * the planner inferred for it: what {@code ParameterMetaData} tells a tool. Null where nothing is known.
 */
final class ParameterTypes {
    private ParameterTypes() {}

    static ArrowType arrow(RelDataType type) {
        if (type == null) {
            return ArrowType.Null.INSTANCE;
        }
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TINYINT -> new ArrowType.Int(8, true);
            case SMALLINT -> new ArrowType.Int(16, true);
            case INTEGER -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case DECIMAL -> new ArrowType.Decimal(type.getPrecision(), type.getScale(), 128);
            case REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT, DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case CHAR, VARCHAR -> ArrowType.Utf8.INSTANCE;
            case BINARY, VARBINARY -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            default -> ArrowType.Null.INSTANCE;
        };
    }
}
