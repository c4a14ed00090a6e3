package dev.codd.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Struct;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.Map;
import org.apache.calcite.avatica.util.Cursor;
import org.joou.UByte;
import org.joou.UInteger;
import org.joou.ULong;
import org.joou.UShort;

/**
 * Reads DATE, TIME, TIMESTAMP and TIMESTAMP WITH TIME ZONE columns, to the microsecond and as the
 * java.time types of JDBC 4.2. The value comes as a {@link LocalDate}, a {@link LocalTime} (on
 * 1970-01-01 where JDBC wants a date), a {@link LocalDateTime} (wall clock) or an
 * {@link OffsetDateTime} (instant); Avatica's own accessors keep milliseconds and know no java.time.
 */
final class TemporalAccessor implements Cursor.Accessor {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Reads the current row's value: a LocalDate, a LocalTime, a LocalDateTime, an OffsetDateTime, or null. */
    interface Value {
        Object get() throws SQLException;
    }

    private final Value value;
    private final Calendar localCalendar;
    private boolean wasNull;

    TemporalAccessor(Value value, Calendar localCalendar) {
        this.value = value;
        this.localCalendar = localCalendar;
    }

    private Object current() throws SQLException {
        Object current = value.get();
        wasNull = current == null;
        return current;
    }

    private Instant instant(Calendar calendar) throws SQLException {
        Object current = current();
        if (current == null) {
            return null;
        }
        if (current instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        ZoneId zone = (calendar == null ? localCalendar : calendar).getTimeZone().toZoneId();
        return local(current).atZone(zone).toInstant();
    }

    /** The wall-clock date and time of a value: a time of day is on 1970-01-01, as java.sql.Time is; a date at midnight. */
    private static LocalDateTime local(Object current) {
        if (current instanceof OffsetDateTime offset) {
            return offset.toLocalDateTime();
        } else if (current instanceof LocalDate date) {
            return date.atStartOfDay();
        }
        return current instanceof LocalTime time ? LocalDate.EPOCH.atTime(time) : (LocalDateTime) current;
    }

    @Override
    public boolean wasNull() {
        return wasNull;
    }

    @Override
    public Timestamp getTimestamp(Calendar calendar) throws SQLException {
        Instant instant = instant(calendar);
        return instant == null ? null : Timestamp.from(instant);
    }

    @Override
    public Date getDate(Calendar calendar) throws SQLException {
        Timestamp timestamp = getTimestamp(calendar);
        return timestamp == null ? null : new Date(timestamp.getTime());
    }

    @Override
    public Time getTime(Calendar calendar) throws SQLException {
        Timestamp timestamp = getTimestamp(calendar);
        return timestamp == null ? null : new Time(timestamp.getTime());
    }

    @Override
    public Object getObject() throws SQLException {
        Object current = current();
        if (current instanceof LocalTime) {
            return getTime(localCalendar);
        } else if (current instanceof LocalDate) {
            return getDate(localCalendar);
        }
        return current instanceof OffsetDateTime ? current : getTimestamp(localCalendar);
    }

    @Override
    public Object getObject(Map<String, Class<?>> map) throws SQLException {
        return getObject();
    }

    @Override
    public <T> T getObject(Class<T> type) throws SQLException {
        Object current = current();
        if (current == null) {
            return null;
        }
        LocalDateTime local = local(current);
        Object converted;
        if (type == String.class) {
            converted = getString();
        } else if (type == Object.class) {
            converted = getObject();
        } else if (type == LocalTime.class && !(current instanceof LocalDate)) {
            converted = local.toLocalTime();
        } else if (type == java.sql.Time.class) {
            converted = getTime(localCalendar);
        } else if (current instanceof LocalTime) {
            throw cannotConvert(type.getName()); // a time of day is no date, and no instant
        } else if (type == LocalDateTime.class) {
            converted = local;
        } else if (type == LocalDate.class) {
            converted = local.toLocalDate();
        } else if (type == OffsetDateTime.class && current instanceof OffsetDateTime) {
            converted = current;
        } else if (type == Instant.class) {
            converted = instant(localCalendar);
        } else if (type == Date.class) {
            converted = getDate(localCalendar);
        } else if (type == Timestamp.class || type == java.util.Date.class) {
            converted = getTimestamp(localCalendar);
        } else {
            throw cannotConvert(type.getName());
        }
        return type.cast(converted);
    }

    @Override
    public String getString() throws SQLException {
        Object current = current();
        if (current == null) {
            return null;
        }
        if (current instanceof LocalDate date) {
            return date.toString();
        }
        LocalDateTime local = local(current);
        StringBuilder text = new StringBuilder((current instanceof LocalTime ? TIME_SECONDS : SECONDS).format(local));
        int micros = local.getNano() / 1000;
        if (micros != 0) {
            text.append('.').append(String.format("%06d", micros).replaceAll("0+$", ""));
        }
        if (current instanceof OffsetDateTime offset) {
            text.append(offset.getOffset().getId().equals("Z") ? "+00" : offset.getOffset().getId());
        }
        return text.toString();
    }

    @Override
    public String getNString() throws SQLException {
        return getString();
    }

    private SQLException cannotConvert(String target) {
        return new SQLDataException("Cannot convert a date or time value to " + target, "22018");
    }

    @Override
    public boolean getBoolean() throws SQLException {
        throw cannotConvert("boolean");
    }

    @Override
    public byte getByte() throws SQLException {
        throw cannotConvert("byte");
    }

    @Override
    public UByte getUByte() throws SQLException {
        throw cannotConvert("UByte");
    }

    @Override
    public short getShort() throws SQLException {
        throw cannotConvert("short");
    }

    @Override
    public UShort getUShort() throws SQLException {
        throw cannotConvert("UShort");
    }

    @Override
    public int getInt() throws SQLException {
        throw cannotConvert("int");
    }

    @Override
    public UInteger getUInt() throws SQLException {
        throw cannotConvert("UInteger");
    }

    @Override
    public long getLong() throws SQLException {
        throw cannotConvert("long");
    }

    @Override
    public ULong getULong() throws SQLException {
        throw cannotConvert("ULong");
    }

    @Override
    public float getFloat() throws SQLException {
        throw cannotConvert("float");
    }

    @Override
    public double getDouble() throws SQLException {
        throw cannotConvert("double");
    }

    @Override
    public BigDecimal getBigDecimal() throws SQLException {
        throw cannotConvert("BigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(int scale) throws SQLException {
        throw cannotConvert("BigDecimal");
    }

    @Override
    public byte[] getBytes() throws SQLException {
        throw cannotConvert("byte[]");
    }

    @Override
    public InputStream getAsciiStream() throws SQLException {
        throw cannotConvert("InputStream");
    }

    @Override
    public InputStream getUnicodeStream() throws SQLException {
        throw cannotConvert("InputStream");
    }

    @Override
    public InputStream getBinaryStream() throws SQLException {
        throw cannotConvert("InputStream");
    }

    @Override
    public Reader getCharacterStream() throws SQLException {
        String text = getString();
        return text == null ? null : new java.io.StringReader(text);
    }

    @Override
    public Reader getNCharacterStream() throws SQLException {
        return getCharacterStream();
    }

    @Override
    public Ref getRef() throws SQLException {
        throw cannotConvert("Ref");
    }

    @Override
    public Blob getBlob() throws SQLException {
        throw cannotConvert("Blob");
    }

    @Override
    public Clob getClob() throws SQLException {
        throw cannotConvert("Clob");
    }

    @Override
    public NClob getNClob() throws SQLException {
        throw cannotConvert("NClob");
    }

    @Override
    public Array getArray() throws SQLException {
        throw cannotConvert("Array");
    }

    @Override
    public Struct getStruct() throws SQLException {
        throw cannotConvert("Struct");
    }

    @Override
    public URL getURL() throws SQLException {
        throw cannotConvert("URL");
    }

    @Override
    public SQLXML getSQLXML() throws SQLException {
        throw cannotConvert("SQLXML");
    }
}
