package dev.codd.executors;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.slf4j.LoggerFactory;

/**
 * Stops the query running on a DuckDB connection, whatever it is doing. duckdb_jdbc 2.0's
 * {@code Statement.cancel()} acts only while {@code executeQuery} runs: once the result streams (a
 * fragment's Arrow batches are computed as they are read), it does nothing, and the connection's
 * own interrupt is not public. So the native interrupt is reached by reflection, and the
 * statement's cancel is the fallback should a later driver hide it.
 */
final class DuckDbInterrupt {
    private static final Field CONNECTION_REF;
    private static final Method INTERRUPT;

    static {
        Field field = null;
        Method method = null;
        try {
            field = DuckDBConnection.class.getDeclaredField("connRef");
            field.setAccessible(true);
            method = Class.forName("org.duckdb.DuckDBNative").getDeclaredMethod("duckdb_jdbc_interrupt", ByteBuffer.class);
            method.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(DuckDbInterrupt.class).warn("This DuckDB driver hides its interrupt ({}):"
                    + " a cancelled fragment stops only once its current batch is computed", e.toString());
            field = null;
            method = null;
        }
        CONNECTION_REF = field;
        INTERRUPT = method;
    }

    private DuckDbInterrupt() {}

    /**
     * Interrupts what runs on {@code connection}. The driver's own interrupt takes the connection's
     * lock against a concurrent close; here the caller's lock does ({@link ArrowQuery} closes and
     * cancels under one), so the connection is never closed meanwhile.
     */
    static void interrupt(DuckDBConnection connection, Statement statement) {
        if (INTERRUPT != null) {
            try {
                Object reference = CONNECTION_REF.get(connection);
                if (reference != null) {
                    INTERRUPT.invoke(null, reference);
                    return;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall back to what the driver offers
            }
        }
        try {
            statement.cancel();
        } catch (SQLException ignored) {
            // the query has ended or is ending: nothing left to interrupt
        }
    }
}
