package dev.codd.executors.docker;

import dev.codd.common.DeclaredColumn;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Declared columns as Arrow: their schema, and values written into their vectors from text. */
final class DeclaredVectors {
    private DeclaredVectors() {}

    static Schema schema(List<DeclaredColumn> columns) {
        return new Schema(columns.stream()
                .map(column -> new Field(column.name(), FieldType.nullable(arrowType(column)), null))
                .toList());
    }

    static ArrowType arrowType(DeclaredColumn column) {
        int[] decimal = column.decimal();
        if (decimal != null) {
            return new ArrowType.Decimal(decimal[0], decimal[1], 128);
        }
        return switch (column.type()) {
            case "BOOLEAN" -> ArrowType.Bool.INSTANCE;
            case "TINYINT" -> new ArrowType.Int(8, true);
            case "SMALLINT" -> new ArrowType.Int(16, true);
            case "INTEGER" -> new ArrowType.Int(32, true);
            case "BIGINT" -> new ArrowType.Int(64, true);
            case "REAL" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "DATE" -> new ArrowType.Date(DateUnit.DAY);
            case "TIMESTAMP" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    /**
     * Writes {@code text} as row {@code row} of {@code vector}, a column of {@code column}'s type;
     * null is NULL. Fails with what is wrong when the text is not a value of that type.
     */
    static void set(FieldVector vector, DeclaredColumn column, int row, String text) {
        if (text == null) {
            vector.setNull(row);
            return;
        }
        try {
            String value = text.strip();
            if (vector instanceof BitVector v) {
                v.setSafe(row, bool(value) ? 1 : 0);
            } else if (vector instanceof TinyIntVector v) {
                v.setSafe(row, (byte) integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE));
            } else if (vector instanceof SmallIntVector v) {
                v.setSafe(row, (short) integer(value, Short.MIN_VALUE, Short.MAX_VALUE));
            } else if (vector instanceof IntVector v) {
                v.setSafe(row, (int) integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            } else if (vector instanceof BigIntVector v) {
                v.setSafe(row, integer(value, Long.MIN_VALUE, Long.MAX_VALUE));
            } else if (vector instanceof Float4Vector v) {
                v.setSafe(row, Float.parseFloat(value));
            } else if (vector instanceof Float8Vector v) {
                v.setSafe(row, Double.parseDouble(value));
            } else if (vector instanceof DecimalVector v) {
                BigDecimal decimal = new BigDecimal(value).setScale(v.getScale(), RoundingMode.HALF_UP);
                if (decimal.precision() > v.getPrecision()) {
                    throw new IllegalArgumentException("out of range");
                }
                v.setSafe(row, decimal);
            } else if (vector instanceof DateDayVector v) {
                v.setSafe(row, (int) LocalDate.parse(value).toEpochDay());
            } else if (vector instanceof TimeStampMicroVector v) {
                LocalDateTime time = LocalDateTime.parse(value.replace(' ', 'T'));
                v.setSafe(row, time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1_000);
            } else {
                ((VarCharVector) vector).setSafe(row, text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            throw new IllegalArgumentException("column " + column.name() + ": '" + shown + "' is not a " + column.type(), e);
        }
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "t", "1", "yes" -> true;
            case "false", "f", "0", "no" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }

    private static long integer(String value, long min, long max) {
        long parsed = Long.parseLong(value);
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("out of range");
        }
        return parsed;
    }
}
