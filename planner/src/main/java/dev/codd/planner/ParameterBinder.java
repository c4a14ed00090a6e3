package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimeString;
import org.apache.calcite.util.TimestampString;

/**
 * Replaces each {@code ?} of a parsed statement by a typed literal of its bound value, before
 * validation, so that parameters are typed and quoted by Calcite, never pasted into SQL text.
 */
final class ParameterBinder extends SqlShuttle {
    private final List<Object> values;

    private ParameterBinder(List<Object> values) {
        this.values = values;
    }

    static SqlNode bind(SqlNode statement, List<Object> values) {
        int count = countParameters(statement);
        if (count != values.size()) {
            throw new CoddException(ErrorCode.INVALID_PARAMETER,
                    "The statement has " + count + " parameter(s) but " + values.size() + " value(s) were bound");
        }
        return count == 0 ? statement : statement.accept(new ParameterBinder(values));
    }

    static int countParameters(SqlNode statement) {
        int[] max = {0};
        statement.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlDynamicParam param) {
                max[0] = Math.max(max[0], param.getIndex() + 1);
                return null;
            }
        });
        return max[0];
    }

    @Override
    public SqlNode visit(SqlDynamicParam param) {
        return literal(values.get(param.getIndex()), param.getParserPosition(), param.getIndex() + 1);
    }

    private static SqlNode literal(Object value, SqlParserPos pos, int position) {
        if (value == null) {
            return SqlLiteral.createNull(pos);
        } else if (value instanceof Boolean b) {
            return SqlLiteral.createBoolean(b, pos);
        } else if (value instanceof Byte || value instanceof Short || value instanceof Integer
                || value instanceof Long || value instanceof BigInteger) {
            return SqlLiteral.createExactNumeric(value.toString(), pos);
        } else if (value instanceof BigDecimal decimal) {
            return SqlLiteral.createExactNumeric(decimal.toPlainString(), pos);
        } else if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new CoddException(ErrorCode.INVALID_PARAMETER,
                        "Parameter " + position + " is not a finite number: " + d);
            }
            return SqlLiteral.createApproxNumeric(Double.toString(d), pos);
        } else if (value instanceof String s) {
            return SqlLiteral.createCharString(s, "UTF-8", pos);
        } else if (value instanceof LocalDate date) {
            return SqlLiteral.createDate(DateString.fromDaysSinceEpoch((int) date.toEpochDay()), pos);
        } else if (value instanceof LocalDateTime timestamp) {
            TimestampString text = new TimestampString(timestamp.getYear(), timestamp.getMonthValue(),
                    timestamp.getDayOfMonth(), timestamp.getHour(), timestamp.getMinute(), timestamp.getSecond())
                    .withNanos(timestamp.getNano());
            return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, text, 6, pos);
        } else if (value instanceof Instant instant) { // TIMESTAMP WITH TIME ZONE: the instant's UTC wall clock
            LocalDateTime utc = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
            TimestampString text = new TimestampString(utc.getYear(), utc.getMonthValue(), utc.getDayOfMonth(),
                    utc.getHour(), utc.getMinute(), utc.getSecond()).withNanos(utc.getNano());
            return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, text, 6, pos);
        } else if (value instanceof LocalTime time) {
            TimeString text = new TimeString(time.getHour(), time.getMinute(), time.getSecond())
                    .withNanos(time.getNano());
            return SqlLiteral.createTime(text, 6, pos);
        } else if (value instanceof byte[] bytes) {
            return SqlLiteral.createBinaryString(bytes, pos);
        }
        throw new CoddException(ErrorCode.INVALID_PARAMETER,
                "Parameter " + position + " has a type Codd cannot bind: " + value.getClass().getName());
    }
}
