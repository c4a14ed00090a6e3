package dev.codd.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Calendar;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.util.AbstractCursor;
import org.apache.calcite.avatica.util.ArrayImpl;

/**
 * The rows of a query's Flight streams, one Arrow batch at a time: the next batch is fetched only
 * when the rows of the current one are used up, so a result of any size fits in a small heap.
 */
final class ArrowCursor extends AbstractCursor {
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private final CoddMeta meta;
    private final Deque<FlightEndpoint> endpoints;
    private final long deadlineNanos;
    /** The query's progress line, erased when the first rows come; null without one. */
    private final ProgressLine progress;
    /** {@code Statement.setMaxRows}: rows past it are not read, and their stream is cancelled; 0 for all. */
    private final long maxRows;
    private long rowsRead;
    private FlightStream stream;
    private VectorSchemaRoot root;
    private int row = -1;
    private volatile boolean cancelled;

    ArrowCursor(CoddMeta meta, CoddMeta.Started started, long maxRows) {
        this.meta = meta;
        this.endpoints = new ArrayDeque<>(started.info().getEndpoints());
        this.deadlineNanos = started.deadlineNanos();
        this.progress = started.progress();
        this.maxRows = maxRows;
    }

    @Override
    public boolean next() {
        if (cancelled) {
            throw new CoddErrors.Carrier(new SQLException("Query cancelled", "57014"));
        }
        if (maxRows > 0 && rowsRead == maxRows) {
            close(); // the requester stops the rest of the query
            return false;
        }
        while (true) {
            if (root != null && row + 1 < root.getRowCount()) {
                row++;
                rowsRead++;
                return true;
            }
            try {
                boolean more = false;
                if (stream != null) {
                    more = stream.next();
                    CoddMeta.stop(progress); // rows, or the end, have come
                }
                if (more) {
                    root = stream.getRoot();
                    row = -1;
                    continue;
                }
                closeStream();
                if (endpoints.isEmpty()) {
                    root = null;
                    return false;
                }
                stream = meta.stream(endpoints.removeFirst().getTicket(), deadlineNanos);
            } catch (FlightRuntimeException e) {
                CoddMeta.stop(progress);
                closeStream();
                endpoints.clear();
                throw new CoddErrors.Carrier(meta.error(e));
            }
        }
    }

    void cancel() {
        cancelled = true;
        FlightStream current = stream;
        if (current != null) {
            current.cancel("cancelled by the client", null);
        }
    }

    @Override
    public void close() {
        CoddMeta.stop(progress);
        endpoints.clear();
        closeStream();
    }

    private void closeStream() {
        FlightStream current = stream;
        stream = null;
        root = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception ignored) {
                // a stream closed before its end is cancelled; nothing more to release
            }
        }
    }

    @Override
    protected Getter createGetter(int ordinal) {
        return new AbstractGetter() {
            @Override
            public Object getObject() throws SQLException {
                if (root == null || row < 0) {
                    throw new SQLException("No current row: call next() first, and only while it returns true",
                            "24000");
                }
                FieldVector vector = root.getVector(ordinal);
                if (vector.isNull(row)) {
                    wasNull[0] = true;
                    return null;
                }
                wasNull[0] = false;
                return value(vector, row);
            }
        };
    }

    @Override
    protected Accessor createAccessor(ColumnMetaData column, Getter getter, Calendar localCalendar,
            ArrayImpl.Factory factory) {
        int type = column.type.id;
        if (type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE || type == Types.TIME || type == Types.DATE) {
            return new TemporalAccessor(getter::getObject, localCalendar);
        }
        Accessor accessor = super.createAccessor(column, getter, localCalendar, factory);
        return type == Types.OTHER ? withArrays(accessor) : accessor;
    }

    /**
     * Avatica's accessor for a column of Types.OTHER, but for {@code getArray()} and
     * {@code getObject(Array.class / Struct.class)}, which give a LIST as a {@link ListArray} and a
     * STRUCT as a {@link MapStruct}. A proxy forwards the other methods unchanged.
     */
    private static Accessor withArrays(Accessor accessor) {
        return (Accessor) Proxy.newProxyInstance(Accessor.class.getClassLoader(), new Class<?>[] {Accessor.class},
                (proxy, method, arguments) -> {
                    boolean array = method.getName().equals("getArray") && method.getParameterCount() == 0
                            || method.getName().equals("getObject") && arguments != null && arguments.length == 1
                            && arguments[0] == java.sql.Array.class;
                    boolean struct = method.getName().equals("getObject") && arguments != null && arguments.length == 1
                            && arguments[0] == java.sql.Struct.class;
                    if (array || struct) {
                        Object value = accessor.getObject();
                        if (value == null) {
                            return null;
                        } else if (array && value instanceof List<?> list) {
                            return new ListArray(list);
                        } else if (!array && value instanceof Map<?, ?> map) {
                            return new MapStruct(map);
                        }
                        throw new SQLDataException("A " + value.getClass().getSimpleName() + " is not "
                                + (array ? "an array" : "a struct"), "22018");
                    }
                    try {
                        return method.invoke(accessor, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A value in the representation Avatica's accessors expect for the column's JDBC type. */
    private static Object value(FieldVector vector, int row) {
        if (vector instanceof VarCharVector text) {
            return new String(text.get(row), StandardCharsets.UTF_8);
        } else if (vector instanceof DateDayVector dates) {
            return LocalDate.ofEpochDay(dates.get(row));
        } else if (vector instanceof DateMilliVector dates) {
            return LocalDate.ofEpochDay(Math.floorDiv(dates.get(row), 86_400_000L));
        } else if (vector instanceof TimeMicroVector times) {
            return timeOfDay(times.get(row) * 1000);
        } else if (vector instanceof TimeMilliVector times) {
            return timeOfDay(times.get(row) * 1_000_000L);
        } else if (vector instanceof TimeNanoVector times) {
            return timeOfDay(times.get(row));
        } else if (vector instanceof TimeSecVector times) {
            return timeOfDay(times.get(row) * 1_000_000_000L);
        } else if (vector instanceof TimeStampVector timestamps) {
            return timestamp(timestamps, row);
        } else if (vector instanceof UInt1Vector small) {
            return (short) (small.get(row) & 0xff);
        } else if (vector instanceof UInt2Vector small) {
            return (int) small.get(row);
        } else if (vector instanceof UInt4Vector medium) {
            return medium.get(row) & 0xffff_ffffL;
        } else if (vector instanceof UInt8Vector large) {
            return new BigDecimal(new BigInteger(Long.toUnsignedString(large.get(row))));
        }
        Object value = vector.getObject(row);
        return value instanceof Text text ? text.toString() : value;
    }

    /** DuckDB's TIME reaches 24:00:00, which java.time has not: it reads as the last instant of the day. */
    private static LocalTime timeOfDay(long nanos) {
        return nanos >= NANOS_PER_DAY ? LocalTime.MAX : LocalTime.ofNanoOfDay(nanos);
    }

    private static Object timestamp(TimeStampVector vector, int row) {
        ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
        long value = vector.get(row);
        Instant instant = switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L),
                    Math.floorMod(value, 1_000_000L) * 1000);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L),
                    Math.floorMod(value, 1_000_000_000L));
        };
        return type.getTimezone() == null
                ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
                : OffsetDateTime.ofInstant(instant, ZoneId.of(type.getTimezone()));
    }
}
