package dev.codd.executors;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

/** A running DuckDB query whose result is read as Arrow batches; cancel it from any thread. */
public final class ArrowQuery implements AutoCloseable {
    private final Connection connection;
    private final Statement statement;
    private final DuckDBResultSet resultSet;
    private final ArrowReader reader;
    private final List<ArrowArrayStream> inputStreams;
    private boolean closed;

    ArrowQuery(Connection connection, Statement statement, DuckDBResultSet resultSet, BufferAllocator allocator,
            int batchRows, List<ArrowArrayStream> inputStreams) throws SQLException {
        this.connection = connection;
        this.statement = statement;
        this.resultSet = resultSet;
        this.inputStreams = List.copyOf(inputStreams);
        this.reader = (ArrowReader) resultSet.arrowExportStream(allocator, batchRows);
    }

    /** The result; each {@code loadNextBatch()} computes the next batch. */
    public ArrowReader reader() {
        return reader;
    }

    /** Interrupts DuckDB's work on this query; the reader then fails. Safe from any thread, also after close. */
    public synchronized void cancel() {
        if (closed) {
            return;
        }
        try {
            statement.cancel();
        } catch (SQLException ignored) {
            // the query has ended or is ending: nothing left to interrupt
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            reader.close();
        } catch (Exception ignored) {
            // the native stream may already be released by DuckDB
        }
        // each on its own: closing releases native memory, and one failure must not keep the rest
        for (AutoCloseable resource : List.of(resultSet, statement, connection)) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // nothing to report to anyone
            }
        }
        inputStreams.forEach(ArrowArrayStream::close);
    }
}
