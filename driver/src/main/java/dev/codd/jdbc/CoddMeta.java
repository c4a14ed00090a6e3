package dev.codd.jdbc;

import io.grpc.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's bridge from JDBC calls to the requester: statements and prepared statements become
 * Flight SQL commands, metadata calls become Flight SQL catalog requests.
 */
final class CoddMeta extends MetaImpl {
    /** The requester's catalog and data schema, where users' functions are listed. */
    private static final String FUNCTION_CATALOG = "codd";
    private static final String FUNCTION_SCHEMA = "main";
    private static final String FLIGHT_INFO = "codd.flightInfo";
    private static final String QUERY_TIMEOUT_HEADER = "codd-query-timeout-ms";
    /** {@code Statement.setFetchSize}: how many rows the requester and the nodes put in one batch. */
    private static final String FETCH_SIZE_HEADER = "codd-fetch-size";
    private static final String PROGRESS_KEY_HEADER = "codd-progress-key";
    private static final java.util.Set<Integer> NUMERIC_TYPES = java.util.Set.of(java.sql.Types.TINYINT,
            java.sql.Types.SMALLINT, java.sql.Types.INTEGER, java.sql.Types.BIGINT, java.sql.Types.REAL,
            java.sql.Types.DOUBLE, java.sql.Types.DECIMAL);

    private BufferAllocator allocator;
    private FlightClient flight;
    private FlightSqlClient client;
    private CoddUrl url;
    private String serverVersion = "unknown";
    private final Map<Integer, FlightSqlClient.PreparedStatement> prepared = new ConcurrentHashMap<>();
    private final Map<Integer, Context.CancellableContext> starting = new ConcurrentHashMap<>();

    CoddMeta(AvaticaConnection connection) {
        super(connection);
    }

    /** Connects to the requester and asks for its name and version, so a wrong address fails here. */
    void connect(CoddUrl url) throws SQLException {
        this.url = url;
        allocator = new RootAllocator();
        FlightClient.Builder builder = FlightClient.builder(allocator, url.tls()
                ? Location.forGrpcTls(url.host(), url.port()) : Location.forGrpcInsecure(url.host(), url.port()))
                .intercept(new ClientHeaders(url));
        if (url.tls()) {
            builder.useTls();
            if (url.tlsRootCerts() != null) {
                try { // the builder reads the stream when it builds
                    builder.trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(url.tlsRootCerts())));
                } catch (IOException e) {
                    closeClient();
                    throw CoddErrors.badUrl("tlsRootCerts: cannot read " + url.tlsRootCerts() + ": " + e.getMessage());
                }
            }
        }
        try {
            flight = builder.build();
        } catch (RuntimeException e) { // certificates that are no certificates, a TLS context that cannot be made
            closeClient();
            throw CoddErrors.badUrl("Cannot set up TLS to " + url + (url.tlsRootCerts() == null ? ""
                    : " with the roots in " + url.tlsRootCerts()) + ": " + e.getMessage());
        }
        client = new FlightSqlClient(flight);
        CallOption timeout = CallOptions.timeout(url.connectTimeoutSeconds(), TimeUnit.SECONDS);
        try {
            FlightInfo info = client.getSqlInfo(new FlightSql.SqlInfo[] {FlightSql.SqlInfo.FLIGHT_SQL_SERVER_VERSION},
                    timeout);
            try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), timeout)) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.getRoot();
                    if (root.getRowCount() > 0) {
                        Object value = root.getVector("value").getObject(0);
                        serverVersion = String.valueOf(value);
                    }
                }
            }
        } catch (FlightRuntimeException e) {
            closeClient();
            SQLException error = CoddErrors.fromFlight(e, url.toString());
            throw new SQLNonTransientConnectionException("Cannot connect to Codd at " + url + ": " + error.getMessage()
                    + tlsHint(e), "08001", e);
        } catch (Exception e) {
            closeClient();
            throw new SQLNonTransientConnectionException("Cannot connect to Codd at " + url + ": " + e, "08001", e);
        }
    }

    /** How far a running query has come, as the requester says ({@code codd.query.progress}); empty once it ended. */
    Optional<String> progress(String progressKey) {
        try {
            Iterator<Result> results = flight.doAction(new Action("codd.query.progress",
                    progressKey.getBytes(StandardCharsets.UTF_8)), CallOptions.timeout(2, TimeUnit.SECONDS));
            Optional<String> progress = results.hasNext()
                    ? Optional.of(new String(results.next().getBody(), StandardCharsets.UTF_8)) : Optional.empty();
            results.forEachRemaining(ignored -> { });
            return progress;
        } catch (FlightRuntimeException e) {
            return Optional.empty(); // progress is a courtesy; the query's own stream reports failures
        }
    }

    /** What a TLS mismatch looks like from here, said plainly: gRPC only reports a closed or failed channel. */
    private String tlsHint(FlightRuntimeException e) {
        String causes = "";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            causes += " " + cause;
        }
        if (url.tls() && (causes.contains("SSL") || causes.contains("certificate") || causes.contains("handshake"))) {
            return " (TLS: the requester's certificate is not trusted here, or it does not serve TLS;"
                    + " see tlsRootCerts)";
        }
        if (!url.tls() && e.status().code() == org.apache.arrow.flight.FlightStatusCode.UNAVAILABLE) {
            return " (if the requester serves TLS, connect with tls=true)";
        }
        return "";
    }

    /** The requester's version, as it said when the connection opened. */
    String serverVersion() {
        return serverVersion;
    }

    /** The Flight stream of one endpoint of a query's result, to be read by {@code deadlineNanos} (0: no limit). */
    FlightStream stream(Ticket ticket, long deadlineNanos) {
        return client.getStream(ticket, until(deadlineNanos));
    }

    /**
     * A started query: where its result streams from, by when it must be read (0: no limit), and
     * its progress line until the first rows come (null without one).
     */
    record Started(FlightInfo info, long deadlineNanos, ProgressLine progress) {}

    /**
     * The statement's query timeout as a deadline from now; 0 when it has none. The requester
     * learns it as the call's gRPC deadline and stops the query when it passes.
     */
    private long deadlineNanos(StatementHandle handle) {
        AvaticaStatement statement = connection.statementMap.get(handle.id);
        int seconds = 0;
        try {
            seconds = statement == null ? 0 : statement.getQueryTimeout();
        } catch (SQLException closed) {
            // a closed statement runs nothing
        }
        return seconds <= 0 ? 0 : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    /**
     * The call options of a query with a deadline: the time left, for the requester to stop the query
     * then (and say so), and a gRPC deadline a little later, should the requester not answer at all.
     */
    private static CallOption[] until(long deadlineNanos) {
        if (deadlineNanos == 0) {
            return new CallOption[0];
        }
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        CallHeaders headers = new FlightCallHeaders();
        headers.insert(QUERY_TIMEOUT_HEADER, Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
        return new CallOption[] {new HeaderCallOption(headers),
            CallOptions.timeout(left + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)};
    }

    /**
     * The options of the call that starts a statement's query: its deadline, its fetch size if set,
     * and the key to ask its progress by (null for none).
     */
    private CallOption[] options(StatementHandle handle, long deadlineNanos, String progressKey) {
        AvaticaStatement statement = connection.statementMap.get(handle.id);
        int fetchSize = 0;
        try {
            fetchSize = statement == null ? 0 : statement.getFetchSize();
        } catch (SQLException closed) {
            // a closed statement runs nothing
        }
        CallOption[] options = until(deadlineNanos);
        CallHeaders headers = new FlightCallHeaders();
        if (fetchSize > 0) {
            headers.insert(FETCH_SIZE_HEADER, Integer.toString(fetchSize));
        }
        if (progressKey != null) {
            headers.insert(PROGRESS_KEY_HEADER, progressKey);
        }
        if (headers.keys().isEmpty()) {
            return options;
        }
        CallOption[] withHeaders = java.util.Arrays.copyOf(options, options.length + 1);
        withHeaders[options.length] = new HeaderCallOption(headers);
        return withHeaders;
    }

    static void stop(ProgressLine progress) {
        if (progress != null) {
            progress.stop();
        }
    }

    SQLException error(FlightRuntimeException e) {
        return CoddErrors.fromFlight(e, url.toString());
    }

    static Started started(Signature signature) {
        return signature.internalParameters == null ? null : (Started) signature.internalParameters.get(FLIGHT_INFO);
    }

    // ---- statements

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle handle, String sql, long maxRowCount,
            PrepareCallback callback) throws NoSuchStatementException {
        return prepareAndExecute(handle, sql, maxRowCount, -1, callback);
    }

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle handle, String sql, long maxRowCount,
            int maxRowsInFirstFrame, PrepareCallback callback) {
        long deadline = deadlineNanos(handle);
        String progressKey = url.progress() ? UUID.randomUUID().toString() : null;
        ProgressLine progress = progressKey == null ? null : ProgressLine.start(this, progressKey, System.err);
        FlightInfo info;
        try {
            info = start(handle, () -> client.execute(sql, options(handle, deadline, progressKey)));
        } catch (RuntimeException e) {
            stop(progress);
            throw e;
        }
        boolean rows = returnsRows(info);
        if (!rows) {
            stop(progress);
        }
        Signature signature = signature(sql, info.getSchema(), List.of(),
                rows ? new Started(info, deadline, progress) : null);
        try {
            synchronized (callback.getMonitor()) {
                callback.clear();
                callback.assign(signature, null, rows ? -1 : 0);
            }
            callback.execute();
        } catch (SQLException | RuntimeException e) {
            stop(progress);
            throw e instanceof SQLException failed ? new CoddErrors.Carrier(failed) : (RuntimeException) e;
        }
        return new ExecuteResult(List.of(rows ? MetaResultSet.create(handle.connectionId, handle.id, false, signature, null)
                : MetaResultSet.count(handle.connectionId, handle.id, 0)));
    }

    /** A statement that returns no result set (CREATE or DROP FUNCTION) answers with no columns: JDBC's update count 0. */
    private static boolean returnsRows(FlightInfo info) {
        return !info.getSchema().getFields().isEmpty();
    }

    @Override
    public StatementHandle prepare(ConnectionHandle connectionHandle, String sql, long maxRowCount) {
        FlightSqlClient.PreparedStatement statement = call(() -> client.prepare(sql));
        StatementHandle handle = createStatement(connectionHandle);
        prepared.put(handle.id, statement);
        List<AvaticaParameter> parameters = new ArrayList<>();
        for (var field : statement.getParameterSchema().getFields()) {
            // the type the requester inferred from where the marker stands; ANY where it could not
            ArrowTypes.JdbcType type = ArrowTypes.of(field);
            parameters.add(type.id() == java.sql.Types.NULL
                    ? new AvaticaParameter(false, 0, 0, java.sql.Types.OTHER, "ANY", Object.class.getName(), field.getName())
                    : new AvaticaParameter(type.signed(), type.precision(), type.scale(), type.id(), type.name(),
                            type.className(), field.getName()));
        }
        Schema resultSchema = statement.getResultSetSchema();
        handle.signature = signature(sql, resultSchema, parameters, null);
        return handle;
    }

    @Override
    public ExecuteResult execute(StatementHandle handle, List<TypedValue> parameterValues, long maxRowCount)
            throws NoSuchStatementException {
        return execute(handle, parameterValues, (int) Math.min(maxRowCount, Integer.MAX_VALUE));
    }

    @Override
    public ExecuteResult execute(StatementHandle handle, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        FlightSqlClient.PreparedStatement statement = prepared.get(handle.id);
        if (statement == null) {
            throw new NoSuchStatementException(handle);
        }
        long deadline = deadlineNanos(handle);
        String progressKey = url.progress() ? UUID.randomUUID().toString() : null;
        ProgressLine progress = progressKey == null ? null : ProgressLine.start(this, progressKey, System.err);
        FlightInfo info;
        try (VectorSchemaRoot parameters = parameterValues.isEmpty() ? null
                : Parameters.toArrow(parameterValues, allocator)) {
            if (parameters != null) {
                statement.setParameters(parameters);
            }
            info = start(handle, () -> statement.execute(options(handle, deadline, progressKey)));
            if (parameters != null) {
                statement.clearParameters();
            }
        } catch (SQLException | RuntimeException e) {
            stop(progress);
            throw e instanceof SQLException failed ? new CoddErrors.Carrier(failed) : (RuntimeException) e;
        }
        if (!returnsRows(info)) {
            stop(progress);
            return new ExecuteResult(List.of(MetaResultSet.count(handle.connectionId, handle.id, 0)));
        }
        String sql = handle.signature == null ? "" : handle.signature.sql;
        List<AvaticaParameter> parameters = handle.signature == null ? List.of() : handle.signature.parameters;
        Signature signature = signature(sql, info.getSchema(), parameters, new Started(info, deadline, progress));
        return new ExecuteResult(List.of(MetaResultSet.create(handle.connectionId, handle.id, false, signature, null)));
    }

    @Override
    public void closeStatement(StatementHandle handle) {
        FlightSqlClient.PreparedStatement statement = prepared.remove(handle.id);
        if (statement != null) {
            try {
                statement.close();
            } catch (FlightRuntimeException ignored) {
                // the requester forgets it anyway when the connection goes
            }
        }
    }

    @Override
    public Frame fetch(StatementHandle handle, long offset, int fetchMaxRowCount) {
        // results stream through ArrowCursor; Avatica's frames are only used for metadata, complete at once
        return Frame.EMPTY;
    }

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle handle, List<String> sqlCommands) {
        throw new CoddErrors.Carrier(new SQLFeatureNotSupportedException("Codd runs queries only; batches of "
                + "updates are not supported", "0A000"));
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle handle, List<List<TypedValue>> parameterValues) {
        return prepareAndExecuteBatch(handle, List.of());
    }

    @Override
    public boolean syncResults(StatementHandle handle, QueryState state, long offset) {
        return false;
    }

    @Override
    public void commit(ConnectionHandle handle) {
        // queries only: nothing to commit
    }

    @Override
    public void rollback(ConnectionHandle handle) {
        // queries only: nothing to roll back
    }

    @Override
    public void closeConnection(ConnectionHandle handle) {
        super.closeConnection(handle);
        prepared.values().forEach(statement -> {
            try {
                statement.close();
            } catch (RuntimeException ignored) {
                // the connection is going; the requester drops what it held
            }
        });
        prepared.clear();
        closeClient();
    }

    private void closeClient() {
        try {
            if (client != null) {
                client.close();
            }
        } catch (Exception ignored) {
            // closing a channel that failed to open
        }
        if (url != null && url.lease() != null) {
            url.lease().close(); // the embedded cluster may stop once no connection holds it
        }
        try {
            if (allocator != null) {
                allocator.close();
            }
        } catch (IllegalStateException ignored) {
            // a result set left open holds buffers; the garbage collector gets them
        }
    }

    private static Signature signature(String sql, Schema schema, List<AvaticaParameter> parameters, Started started) {
        List<ColumnMetaData> columns = new ArrayList<>();
        if (schema != null) {
            for (int i = 0; i < schema.getFields().size(); i++) {
                columns.add(ArrowTypes.columnMetaData(i, schema.getFields().get(i)));
            }
        }
        Map<String, Object> internal = new java.util.HashMap<>();
        if (started != null) {
            internal.put(FLIGHT_INFO, started);
        }
        return new Signature(columns, sql, parameters, internal, CursorFactory.ARRAY, StatementType.SELECT);
    }

    private <T> T call(java.util.function.Supplier<T> flightCall) {
        try {
            return flightCall.get();
        } catch (FlightRuntimeException e) {
            throw new CoddErrors.Carrier(error(e));
        }
    }

    /**
     * Starts a statement's query in a gRPC context of its own, so that {@link #cancelStart} can
     * stop the call, and with it the query on the requester, before its first row is back.
     */
    private FlightInfo start(StatementHandle handle, java.util.function.Supplier<FlightInfo> flightCall) {
        Context.CancellableContext context = Context.current().withCancellation();
        starting.put(handle.id, context);
        try {
            return context.call(() -> call(flightCall));
        } catch (CoddErrors.Carrier e) {
            throw e;
        } catch (Exception e) {
            throw new CoddErrors.Carrier(new SQLException("Cannot start the query: " + e, "HY000", e));
        } finally {
            starting.remove(handle.id, context);
            context.cancel(null); // releases the context; the call has ended
        }
    }

    /** Stops the statement's query if it is still starting (Statement.cancel). */
    void cancelStart(StatementHandle handle) {
        Context.CancellableContext context = starting.get(handle.id);
        if (context != null) {
            context.cancel(new CancellationException("cancelled by the client"));
        }
    }

    // ---- metadata

    @Override
    public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle handle) {
        Map<DatabaseProperty, Object> properties = new EnumMap<>(DatabaseProperty.class);
        properties.put(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "Codd");
        properties.put(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, serverVersion);
        properties.put(DatabaseProperty.GET_DRIVER_NAME, "Codd JDBC Driver");
        properties.put(DatabaseProperty.GET_DRIVER_VERSION, CoddDriver.VERSION);
        properties.put(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, java.sql.Connection.TRANSACTION_NONE);
        return properties;
    }

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle handle) {
        List<Object> rows = new ArrayList<>();
        read(call(() -> client.getCatalogs()), root -> {
            for (int i = 0; i < root.getRowCount(); i++) {
                rows.add(new MetaCatalog(text(root, "catalog_name", i)));
            }
        });
        return rows(MetaCatalog.class, rows, "TABLE_CAT");
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle handle, String catalog, Pat schemaPattern) {
        List<Object> rows = new ArrayList<>();
        read(call(() -> client.getSchemas(catalog, schemaPattern.s)), root -> {
            for (int i = 0; i < root.getRowCount(); i++) {
                rows.add(new MetaSchema(text(root, "catalog_name", i), text(root, "db_schema_name", i)));
            }
        });
        return rows(MetaSchema.class, rows, "TABLE_SCHEM", "TABLE_CATALOG");
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle handle) {
        List<Object> rows = new ArrayList<>();
        read(call(() -> client.getTableTypes()), root -> {
            for (int i = 0; i < root.getRowCount(); i++) {
                rows.add(new MetaTableType(text(root, "table_type", i)));
            }
        });
        return rows(MetaTableType.class, rows, "TABLE_TYPE");
    }

    @Override
    public MetaResultSet getTables(ConnectionHandle handle, String catalog, Pat schemaPattern, Pat tableNamePattern,
            List<String> typeList) {
        List<Object> rows = new ArrayList<>();
        read(call(() -> client.getTables(catalog, schemaPattern.s, tableNamePattern.s, typeList, false)), root -> {
            for (int i = 0; i < root.getRowCount(); i++) {
                rows.add(new MetaTable(text(root, "catalog_name", i), text(root, "db_schema_name", i),
                        text(root, "table_name", i), text(root, "table_type", i)));
            }
        });
        return rows(MetaTable.class, rows, "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS",
                "TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION");
    }

    @Override
    public MetaResultSet getColumns(ConnectionHandle handle, String catalog, Pat schemaPattern, Pat tableNamePattern,
            Pat columnNamePattern) {
        Pattern columnPattern = like(columnNamePattern.s);
        List<Object> rows = new ArrayList<>();
        read(call(() -> client.getTables(catalog, schemaPattern.s, tableNamePattern.s, null, true)), root -> {
            for (int i = 0; i < root.getRowCount(); i++) {
                byte[] bytes = ((VarBinaryVector) root.getVector("table_schema")).get(i);
                Schema schema = Schema.deserializeMessage(ByteBuffer.wrap(bytes));
                for (int c = 0; c < schema.getFields().size(); c++) {
                    var field = schema.getFields().get(c);
                    if (!columnPattern.matcher(field.getName()).matches()) {
                        continue;
                    }
                    ArrowTypes.JdbcType type = ArrowTypes.of(field);
                    boolean numeric = NUMERIC_TYPES.contains(type.id());
                    rows.add(new MetaColumn(text(root, "catalog_name", i), text(root, "db_schema_name", i),
                            text(root, "table_name", i), field.getName(), type.id(), type.name(), type.precision(),
                            numeric || type.scale() > 0 ? type.scale() : null, numeric ? 10 : null,
                            DatabaseMetaData.columnNullable,
                            type.id() == java.sql.Types.VARCHAR ? Integer.MAX_VALUE : null, c + 1, "YES"));
                }
            }
        });
        return rows(MetaColumn.class, rows, "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE",
                "TYPE_NAME", "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS",
                "COLUMN_DEF", "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION",
                "IS_NULLABLE", "SCOPE_CATALOG", "SCOPE_SCHEMA", "SCOPE_TABLE", "SOURCE_DATA_TYPE", "IS_AUTOINCREMENT",
                "IS_GENERATEDCOLUMN");
    }

    /** The users' WASM functions, from {@code sys.functions}: they live in the data schema, {@code codd.main}. */
    @Override
    public MetaResultSet getFunctions(ConnectionHandle handle, String catalog, Pat schemaPattern,
            Pat functionNamePattern) {
        List<Object> rows = new ArrayList<>();
        boolean inSchema = (catalog == null || catalog.equalsIgnoreCase(FUNCTION_CATALOG))
                && like(schemaPattern.s).matcher(FUNCTION_SCHEMA).matches();
        Pattern names = like(functionNamePattern.s);
        if (inSchema) {
            read(call(() -> client.execute("SELECT name, signature FROM sys.functions ORDER BY name")), root -> {
                for (int i = 0; i < root.getRowCount(); i++) {
                    if (names.matcher(text(root, "name", i)).matches()) {
                        rows.add(new MetaFunction(FUNCTION_CATALOG, FUNCTION_SCHEMA, text(root, "name", i),
                                (short) DatabaseMetaData.functionNoTable, text(root, "signature", i)));
                    }
                }
            });
        }
        return rows(MetaFunction.class, rows, "FUNCTION_CAT", "FUNCTION_SCHEM", "FUNCTION_NAME", "REMARKS",
                "FUNCTION_TYPE", "SPECIFIC_NAME");
    }

    /** Codd's types (DuckDB's), most used first within each JDBC type, as JDBC orders them. */
    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle handle) {
        short nullable = (short) DatabaseMetaData.typeNullable;
        short searchable = (short) DatabaseMetaData.typeSearchable;
        short basic = (short) DatabaseMetaData.typePredBasic;
        List<Object> rows = new ArrayList<>(List.of(
                new MetaTypeInfo("TINYINT", java.sql.Types.TINYINT, 3, null, null, nullable, false, basic, false, true, false,
                        (short) 0, (short) 0, 10),
                new MetaTypeInfo("BIGINT", java.sql.Types.BIGINT, 19, null, null, nullable, false, basic, false, true, false,
                        (short) 0, (short) 0, 10),
                new MetaTypeInfo("BLOB", java.sql.Types.VARBINARY, Integer.MAX_VALUE, "'", "'::BLOB", nullable, false, basic,
                        true, false, false, null, null, 0),
                new MetaTypeInfo("NULL", java.sql.Types.NULL, 0, null, null, nullable, false, basic, true, false, false,
                        null, null, 0),
                new MetaTypeInfo("HUGEINT", java.sql.Types.DECIMAL, 38, null, null, nullable, false, basic, false, true, false,
                        (short) 0, (short) 0, 10),
                new MetaTypeInfo("DECIMAL", java.sql.Types.DECIMAL, 38, null, null, nullable, false, basic, false, false, false,
                        (short) 0, (short) 38, 10),
                new MetaTypeInfo("INTEGER", java.sql.Types.INTEGER, 10, null, null, nullable, false, basic, false, true, false,
                        (short) 0, (short) 0, 10),
                new MetaTypeInfo("SMALLINT", java.sql.Types.SMALLINT, 5, null, null, nullable, false, basic, false, true, false,
                        (short) 0, (short) 0, 10),
                new MetaTypeInfo("REAL", java.sql.Types.REAL, 7, null, null, nullable, false, basic, false, false, false,
                        null, null, 2),
                new MetaTypeInfo("DOUBLE", java.sql.Types.DOUBLE, 15, null, null, nullable, false, basic, false, false, false,
                        null, null, 2),
                new MetaTypeInfo("VARCHAR", java.sql.Types.VARCHAR, Integer.MAX_VALUE, "'", "'", nullable, true, searchable,
                        true, false, false, null, null, 0),
                new MetaTypeInfo("BOOLEAN", java.sql.Types.BOOLEAN, 1, null, null, nullable, false, basic, true, false, false,
                        null, null, 0),
                new MetaTypeInfo("DATE", java.sql.Types.DATE, 10, "DATE '", "'", nullable, false, basic, true, false, false,
                        null, null, 0),
                new MetaTypeInfo("TIME", java.sql.Types.TIME, 15, "TIME '", "'", nullable, false, basic, true, false, false,
                        (short) 0, (short) 6, 0),
                new MetaTypeInfo("TIMESTAMP", java.sql.Types.TIMESTAMP, 26, "TIMESTAMP '", "'", nullable, false, basic, true,
                        false, false, (short) 0, (short) 6, 0),
                new MetaTypeInfo("UUID", java.sql.Types.OTHER, 36, "'", "'::UUID", nullable, false, basic, true, false, false,
                        null, null, 0),
                new MetaTypeInfo("TIMESTAMP WITH TIME ZONE", java.sql.Types.TIMESTAMP_WITH_TIMEZONE, 32,
                        "TIMESTAMPTZ '", "'", nullable, false, basic, true, false, false, (short) 0, (short) 6, 0)));
        return rows(MetaTypeInfo.class, rows, "TYPE_NAME", "DATA_TYPE", "PRECISION", "LITERAL_PREFIX", "LITERAL_SUFFIX",
                "CREATE_PARAMS", "NULLABLE", "CASE_SENSITIVE", "SEARCHABLE", "UNSIGNED_ATTRIBUTE", "FIXED_PREC_SCALE",
                "AUTO_INCREMENT", "LOCAL_TYPE_NAME", "MINIMUM_SCALE", "MAXIMUM_SCALE", "SQL_DATA_TYPE", "SQL_DATETIME_SUB",
                "NUM_PREC_RADIX");
    }

    private void read(FlightInfo info, java.util.function.Consumer<VectorSchemaRoot> batch) {
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            try (FlightStream stream = client.getStream(endpoint.getTicket())) {
                while (stream.next()) {
                    batch.accept(stream.getRoot());
                }
            } catch (FlightRuntimeException e) {
                throw new CoddErrors.Carrier(error(e));
            } catch (Exception e) {
                throw new CoddErrors.Carrier(new SQLException("Cannot read metadata: " + e, "HY000", e));
            }
        }
    }

    private static String text(VectorSchemaRoot root, String column, int row) {
        Object value = root.getVector(column).getObject(row);
        return value == null ? null : value.toString();
    }

    /**
     * SQL LIKE as metadata patterns use it (% any string, _ any character, \ before either for
     * itself), without regard to case as names are matched in SQL; null matches everything. The
     * requester matches table patterns the same way.
     */
    private static Pattern like(String pattern) {
        if (pattern == null) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                continue;
            }
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    /** A metadata result set of Avatica's row classes, its columns named as JDBC names them. */
    private MetaResultSet rows(Class<?> rowClass, List<Object> rows, String... names) {
        List<ColumnMetaData> columns = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        List<String> fieldNames = new ArrayList<>();
        for (String name : names) {
            String fieldName = AvaticaUtils.toCamelCase(name);
            Field field;
            try {
                field = rowClass.getField(fieldName);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(rowClass.getSimpleName() + " has no field " + fieldName, e);
            }
            columns.add(columnMetaData(name, columns.size(), field.getType(), true));
            fields.add(field);
            fieldNames.add(fieldName);
        }
        return createResultSet(Map.of(), columns, CursorFactory.record(rowClass, fields, fieldNames),
                new Frame(0, true, rows));
    }
}
