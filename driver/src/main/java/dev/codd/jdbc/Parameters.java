package dev.codd.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;

/**
 * A prepared statement's parameter values as one Arrow row, typed by the Java values the
 * application bound, for the requester to bind as typed literals.
 */
final class Parameters {
    private Parameters() {}

    static VectorSchemaRoot toArrow(List<TypedValue> values, BufferAllocator allocator) throws SQLException {
        List<FieldVector> vectors = new ArrayList<>();
        try {
            for (int i = 0; i < values.size(); i++) {
                vectors.add(vector("p" + (i + 1), values.get(i), allocator));
            }
        } catch (ArithmeticException e) {
            vectors.forEach(FieldVector::close);
            throw new SQLDataException("A date or time parameter is out of range: " + e.getMessage(), "22008", e);
        } catch (SQLException | RuntimeException e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        VectorSchemaRoot root = new VectorSchemaRoot(vectors);
        root.setRowCount(1);
        return root;
    }

    private static FieldVector vector(String name, TypedValue typed, BufferAllocator allocator) throws SQLException {
        if (typed == null) {
            throw new SQLException("Parameter " + name.substring(1) + " is not set", "07001");
        }
        Object value = typed.value;
        if (value == null) {
            NullVector vector = new NullVector(name);
            vector.setValueCount(1);
            return vector;
        }
        switch (typed.type) {
            case JAVA_SQL_DATE -> {
                DateDayVector vector = new DateDayVector(name, allocator);
                vector.setSafe(0, ((Number) value).intValue());
                return finish(vector);
            }
            case JAVA_SQL_TIME -> {
                TimeMicroVector vector = new TimeMicroVector(name, allocator);
                vector.setSafe(0, ((Number) value).longValue() * 1000);
                return finish(vector);
            }
            case JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> {
                TimeStampMicroVector vector = new TimeStampMicroVector(name, allocator);
                vector.setSafe(0, ((Number) value).longValue() * 1000);
                return finish(vector);
            }
            case BYTE_STRING -> {
                VarBinaryVector vector = new VarBinaryVector(name, allocator);
                vector.setSafe(0, ((ByteString) typed.toLocal()).getBytes());
                return finish(vector);
            }
            default -> {
                return scalar(name, value, allocator);
            }
        }
    }

    private static FieldVector scalar(String name, Object value, BufferAllocator allocator) throws SQLException {
        if (value instanceof Boolean b) {
            BitVector vector = new BitVector(name, allocator);
            vector.setSafe(0, b ? 1 : 0);
            return finish(vector);
        } else if (value instanceof Byte b) {
            TinyIntVector vector = new TinyIntVector(name, allocator);
            vector.setSafe(0, b);
            return finish(vector);
        } else if (value instanceof Short s) {
            SmallIntVector vector = new SmallIntVector(name, allocator);
            vector.setSafe(0, s);
            return finish(vector);
        } else if (value instanceof Integer n) {
            IntVector vector = new IntVector(name, allocator);
            vector.setSafe(0, n);
            return finish(vector);
        } else if (value instanceof Long n) {
            BigIntVector vector = new BigIntVector(name, allocator);
            vector.setSafe(0, n);
            return finish(vector);
        } else if (value instanceof Float f) {
            Float4Vector vector = new Float4Vector(name, allocator);
            vector.setSafe(0, f);
            return finish(vector);
        } else if (value instanceof Double d) {
            Float8Vector vector = new Float8Vector(name, allocator);
            vector.setSafe(0, d);
            return finish(vector);
        } else if (value instanceof BigDecimal decimal) {
            if (decimal.precision() > 38 || decimal.scale() > 38 || decimal.scale() < 0) {
                throw new SQLDataException("Parameter " + name + " does not fit DECIMAL(38): " + decimal, "22003");
            }
            DecimalVector vector = new DecimalVector(name, allocator, 38, decimal.scale());
            vector.setSafe(0, decimal);
            return finish(vector);
        } else if (value instanceof String s) {
            VarCharVector vector = new VarCharVector(name, allocator);
            vector.setSafe(0, s.getBytes(StandardCharsets.UTF_8));
            return finish(vector);
        } else if (value instanceof LocalDate date) {
            DateDayVector vector = new DateDayVector(name, allocator);
            vector.setSafe(0, Math.toIntExact(date.toEpochDay()));
            return finish(vector);
        } else if (value instanceof LocalTime time) {
            TimeMicroVector vector = new TimeMicroVector(name, allocator);
            vector.setSafe(0, time.toNanoOfDay() / 1000);
            return finish(vector);
        } else if (value instanceof LocalDateTime timestamp) {
            TimeStampMicroVector vector = new TimeStampMicroVector(name, allocator);
            Instant utc = timestamp.toInstant(ZoneOffset.UTC); // a wall clock, carried as if in UTC
            vector.setSafe(0, Math.addExact(Math.multiplyExact(utc.getEpochSecond(), 1_000_000L), utc.getNano() / 1000));
            return finish(vector);
        }
        Instant instant = value instanceof OffsetDateTime offset ? offset.toInstant()
                : value instanceof ZonedDateTime zoned ? zoned.toInstant()
                : value instanceof Instant given ? given : null;
        if (instant != null) { // a TIMESTAMP WITH TIME ZONE: the instant, in UTC
            TimeStampMicroTZVector vector = new TimeStampMicroTZVector(name, allocator, "UTC");
            vector.setSafe(0, Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                    instant.getNano() / 1000));
            return finish(vector);
        }
        throw new SQLDataException("Parameter " + name + " has a type Codd cannot send: " + value.getClass().getName(),
                "22023");
    }

    private static FieldVector finish(FieldVector vector) {
        vector.setValueCount(1);
        return vector;
    }
}
