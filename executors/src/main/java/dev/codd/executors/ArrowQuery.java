package dev.codd.executors;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/** A running DuckDB query whose result is read as Arrow batches; a {@link Cancellation} stops it. */
public final class ArrowQuery implements AutoCloseable {
    private final DuckDBConnection connection;
    private final Statement statement;
    private final List<ArrowArrayStream> inputStreams;
    private DuckDBResultSet resultSet;
    private ArrowReader reader;
    private boolean closed;
    private boolean cancelRequested;

    ArrowQuery(DuckDBConnection connection, Statement statement, List<ArrowArrayStream> inputStreams) {
        this.connection = connection;
        this.statement = statement;
        this.inputStreams = List.copyOf(inputStreams);
    }

    /** Runs {@code sql} up to its first batch; {@link #cancel} may stop it meanwhile, from another thread. */
    void start(String sql, BufferAllocator allocator, int batchRows) throws SQLException {
        synchronized (this) {
            if (cancelRequested) {
                throw new CoddException(ErrorCode.QUERY_CANCELLED, "The query was cancelled");
            }
        }
        DuckDBResultSet started = (DuckDBResultSet) statement.executeQuery(sql);
        synchronized (this) {
            resultSet = started;
            // DuckDB clears an interrupt when a query begins: one that came just before is honoured here
            if (cancelRequested) {
                throw new CoddException(ErrorCode.QUERY_CANCELLED, "The query was cancelled");
            }
            reader = (ArrowReader) started.arrowExportStream(allocator, batchRows);
        }
    }

    /** The result; each {@code loadNextBatch()} computes the next batch. */
    public synchronized ArrowReader reader() {
        return reader;
    }

    /**
     * Interrupts DuckDB's work on this query, also while its result streams; the reader then fails.
     * Safe from any thread, also after close (both hold this object's lock).
     */
    synchronized void cancel() {
        cancelRequested = true;
        if (!closed) {
            DuckDbInterrupt.interrupt(connection, statement);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (Exception ignored) {
            // the native stream may already be released by DuckDB
        }
        // each on its own: closing releases native memory, and one failure must not keep the rest
        for (AutoCloseable resource : Arrays.asList(resultSet, statement, connection)) { // resultSet is null before start
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception ignored) {
                // nothing to report to anyone
            }
        }
        inputStreams.forEach(ArrowArrayStream::close);
    }
}
