package dev.codd.executors;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;

/**
 * One in-memory DuckDB database whose file access is fixed when it opens and then locked: a compute
 * node's may read only its data directory, the requester's reads nothing but Arrow streams.
 * Every query runs on its own connection, where its inputs are bound to their names: shards as
 * temporary views over their files, Arrow streams as registered streams.
 */
public final class DuckDbExecutor implements AutoCloseable {
    private final DuckDBConnection database;
    /** Runs a failed query again without streaming, to learn why it failed; see {@link DuckDbErrors#lostReason}. */
    private final Connection diagnostics;

    private DuckDbExecutor(DuckDBConnection database, Connection diagnostics) {
        this.database = database;
        this.diagnostics = diagnostics;
    }

    /** A DuckDB that may read files under {@code directories} and nothing else. */
    public static DuckDbExecutor confinedTo(Path... directories) {
        String allowed = Arrays.stream(directories)
                .map(directory -> Sql.string(directory.toAbsolutePath().normalize() + "/"))
                .distinct()
                .collect(Collectors.joining(", "));
        return open("SET allowed_directories = [" + allowed + "]");
    }

    /** A DuckDB that reads no file at all: for merging streams that arrive over the network. */
    public static DuckDbExecutor withoutFileAccess() {
        return open();
    }

    private static DuckDbExecutor open(String... setup) {
        Properties properties = new Properties();
        // without it, DuckDB's driver computes the whole result before the first batch
        properties.setProperty("jdbc_stream_results", "true");
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        DuckDBConnection connection = null;
        Connection diagnostics = null;
        try {
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            diagnostics = connection.duplicate();
            try (Statement statement = connection.createStatement();
                    Statement diagnosticsSetup = diagnostics.createStatement()) {
                for (String sql : setup) {
                    statement.execute(sql);
                }
                diagnosticsSetup.execute("SET SESSION jdbc_stream_results = false");
                // every node reads TIMESTAMP against TIMESTAMPTZ alike, whatever its machine's zone
                statement.execute("SET TimeZone = 'UTC'");
                statement.execute("SET enable_external_access = false");
                statement.execute("SET lock_configuration = true");
            }
            return new DuckDbExecutor(connection, diagnostics);
        } catch (SQLException e) {
            closeQuietly(diagnostics);
            closeQuietly(connection);
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot start DuckDB: " + DuckDbErrors.message(e), e);
        }
    }

    /**
     * Starts {@code sql} with each input bound to its name, and returns its result as a stream of
     * Arrow batches of at most {@code batchRows} rows, computed as they are read.
     */
    public ArrowQuery query(String sql, List<Input> inputs, BufferAllocator allocator, int batchRows) {
        return query(sql, inputs, allocator, batchRows, new Cancellation());
    }

    /** The same, stopped by {@code cancellation} from another thread whenever it is cancelled. */
    public ArrowQuery query(String sql, List<Input> inputs, BufferAllocator allocator, int batchRows,
            Cancellation cancellation) {
        List<ArrowArrayStream> streams = new ArrayList<>();
        DuckDBConnection connection = null;
        ArrowQuery query = null;
        try {
            connection = (DuckDBConnection) database.duplicate();
            try (Statement statement = connection.createStatement()) {
                for (Input input : inputs) {
                    if (input instanceof Input.Sources sources) {
                        statement.execute("CREATE TEMP VIEW " + viewOf(sources));
                    } else if (input instanceof Input.Arrow arrow) {
                        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
                        streams.add(stream);
                        Data.exportArrayStream(allocator, arrow.reader(), stream);
                        connection.registerArrowStream(arrow.name(), stream);
                    }
                }
            }
            query = new ArrowQuery(connection, connection.createStatement(), streams);
            cancellation.onCancel(query::cancel);
            query.start(sql, allocator, batchRows);
            return query;
        } catch (SQLException | RuntimeException e) {
            if (query != null) {
                query.close();
            } else {
                streams.forEach(ArrowArrayStream::close);
                closeQuietly(connection);
            }
            if (e instanceof RuntimeException notSql) {
                throw notSql;
            }
            SQLException failed = (SQLException) e;
            if (cancellation.cancelled()) { // interrupted on purpose: running it again to learn why would undo that
                throw new CoddException(ErrorCode.QUERY_CANCELLED, "The query was cancelled", failed);
            }
            boolean rerunnable = inputs.stream().allMatch(input -> input instanceof Input.Sources);
            throw DuckDbErrors.lostReason(failed) && rerunnable ? diagnose(sql, inputs, failed) : DuckDbErrors.translate(failed);
        }
    }

    private static String viewOf(Input.Sources sources) {
        return Sql.identifier(sources.name()) + " AS " + sources.sources().stream()
                .map(source -> "SELECT * FROM " + source.sql())
                .collect(Collectors.joining(" UNION ALL "));
    }

    /** Runs a query that failed while streaming again, without streaming, for the reason DuckDB gives then. */
    private CoddException diagnose(String sql, List<Input> inputs, SQLException lost) {
        synchronized (diagnostics) {
            try {
                try (Statement statement = diagnostics.createStatement()) {
                    for (Input input : inputs) {
                        statement.execute("CREATE OR REPLACE TEMP VIEW " + viewOf((Input.Sources) input));
                    }
                }
                try (Statement statement = diagnostics.createStatement()) {
                    statement.executeQuery(sql).close();
                } catch (SQLException reason) {
                    return DuckDbErrors.translate(reason);
                } finally {
                    try (Statement statement = diagnostics.createStatement()) {
                        for (Input input : inputs) {
                            statement.execute("DROP VIEW IF EXISTS " + Sql.identifier(input.name()));
                        }
                    }
                }
            } catch (SQLException e) {
                lost.addSuppressed(e);
            }
            return DuckDbErrors.translate(lost);
        }
    }

    /** Runs {@code work} on a fresh connection of this database, for short statements such as scans of metadata. */
    public <T> T withConnection(ConnectionWork<T> work) {
        try (Connection connection = database.duplicate()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw DuckDbErrors.translate(e);
        }
    }

    /** Work on a JDBC connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface ConnectionWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    @Override
    public void close() {
        closeQuietly(diagnostics);
        closeQuietly(database);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing releases native memory; nothing to report to anyone
            }
        }
    }
}
