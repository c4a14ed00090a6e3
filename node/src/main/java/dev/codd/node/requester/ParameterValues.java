package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/** Reads the one row of parameter values a client binds to a prepared statement. */
final class ParameterValues {
    private ParameterValues() {}

    static List<Object> read(VectorSchemaRoot root) {
        if (root.getRowCount() != 1) {
            throw new CoddException(ErrorCode.INVALID_PARAMETER,
                    "Codd binds exactly one row of parameters per execution, got " + root.getRowCount());
        }
        List<Object> values = new ArrayList<>();
        for (FieldVector vector : root.getFieldVectors()) {
            values.add(value(vector));
        }
        return values;
    }

    private static Object value(FieldVector vector) {
        if (vector.isNull(0)) {
            return null;
        }
        if (vector instanceof DateDayVector dates) {
            return LocalDate.ofEpochDay(dates.get(0));
        }
        if (vector instanceof TimeMicroVector times) {
            return LocalTime.ofNanoOfDay(times.get(0) * 1000);
        }
        if (vector instanceof TimeStampMicroTZVector instants) { // TIMESTAMP WITH TIME ZONE, in UTC
            long micros = instants.get(0);
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        }
        Object value = vector.getObject(0);
        return value instanceof Text text ? text.toString() : value;
    }
}
