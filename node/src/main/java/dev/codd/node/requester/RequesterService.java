package dev.codd.node.requester;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.ArrowQuery;
import dev.codd.node.flight.Caller;
import dev.codd.node.wire.ClusterActions;
import dev.codd.node.wire.Heartbeat;
import dev.codd.node.wire.Job;
import dev.codd.node.wire.JobOutputRequest;
import dev.codd.node.wire.JobSubmission;
import dev.codd.node.wire.WireErrors;
import dev.codd.node.wire.WireJson;
import dev.codd.planner.DistributedPlan;
import dev.codd.planner.QueryPlanner;
import dev.codd.planner.catalog.ClusterCatalog;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.Shard;
import io.grpc.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's Flight SQL endpoint, which Codd's driver and any Flight SQL client speak: queries
 * and prepared statements, catalog metadata, and the actions compute nodes send to join.
 */
final class RequesterService extends NoOpFlightSqlProducer {
    private static final Logger LOG = LoggerFactory.getLogger(RequesterService.class);
    private static final String CATALOG = QueryPlanner.CATALOG;
    private static final List<String> SCHEMAS = List.of(QueryPlanner.DATA_SCHEMA, QueryPlanner.SYSTEM_SCHEMA);
    /** In the order JDBC lists them (getTableTypes: by name). */
    private static final List<String> TABLE_TYPES = List.of("SYSTEM TABLE", "TABLE");
    private static final long UNCLAIMED_RESULT_SECONDS = 120;

    /** A statement prepared by a client, with the parameter values it bound last. */
    private static final class PreparedQuery {
        final String sql;
        final int parameterCount;
        volatile List<Object> parameters = List.of();

        PreparedQuery(String sql, int parameterCount) {
            this.sql = sql;
            this.parameterCount = parameterCount;
        }
    }

    private final QueryPlanner planner = new QueryPlanner();
    private final Jobs jobs;
    private final QueryServices services;
    private final TableSchemas tableSchemas;
    private final ScheduledExecutorService timers;
    private final SqlInfoBuilder sqlInfo;
    /** Every query from its start until its result is streamed or abandoned. */
    private final Map<String, QueryExecution> live = new ConcurrentHashMap<>();
    /** The queries whose result no client has asked for yet. */
    private final Map<String, QueryExecution> unclaimed = new ConcurrentHashMap<>();
    private final Map<String, PreparedQuery> prepared = new ConcurrentHashMap<>();
    private final PlanCache plans = new PlanCache();

    RequesterService(QueryServices services, ScheduledExecutorService timers, String version, Jobs jobs) {
        this.jobs = jobs;
        this.services = services;
        this.timers = timers;
        this.tableSchemas = new TableSchemas(services.rootDuckDb(), services.allocator());
        this.sqlInfo = new SqlInfoBuilder()
                .withFlightSqlServerName("Codd")
                .withFlightSqlServerVersion(version)
                .withFlightSqlServerArrowVersion("18.3.0")
                .withFlightSqlServerReadOnly(true)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withSqlIdentifierQuoteChar("\"");
    }

    /**
     * Plans a typical query once, so that the first user's query does not wait a second for
     * Calcite's classes to load and its planner to warm up.
     */
    void warmUp() {
        ClusterTable table = new ClusterTable("t", List.of(new Column("x", "INTEGER"), new Column("y", "VARCHAR")),
                List.of(new Shard("a", 1, List.of("n1")), new Shard("b", 1, List.of("n2"))));
        planner.plan("SELECT y, count(*), avg(x) FROM t WHERE x > ? GROUP BY y ORDER BY 2 DESC LIMIT 5", List.of(1),
                new ClusterCatalog(Map.of("t", table)));
    }

    /** A node went down: the queries waiting on it fail now rather than at a timeout. */
    void nodeDown(String node) {
        live.values().forEach(execution -> execution.nodeDown(node));
    }

    // ---- queries

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return start(command.getQuery(), List.of(), descriptor);
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightDescriptor descriptor) {
        PreparedQuery query = preparedQuery(command.getPreparedStatementHandle());
        return start(query.sql, query.parameters, descriptor);
    }

    private FlightInfo start(String sql, List<Object> parameters, FlightDescriptor descriptor) {
        String id = UUID.randomUUID().toString();
        Instant started = Instant.now();
        Caller caller = Caller.current();
        QueryExecution execution = null;
        try {
            services.audit().accepted(id, caller, sql, parameters); // nothing runs unrecorded
            Optional<FunctionDdl> ddl = FunctionDdl.parse(sql);
            if (ddl.isPresent()) {
                run(ddl.get(), caller);
                QueryRecord done = new QueryRecord(id, caller.user(), sql, QueryRecord.State.FINISHED, started,
                        Duration.between(started, Instant.now()), 0, List.of(), 0, 0, Optional.empty());
                services.log().ended(done);
                services.audit().ended(done);
                // no columns and no endpoint: a statement without a result set, as JDBC's update count 0
                return new FlightInfo(new Schema(List.of()), descriptor, List.of(), 0, 0);
            }
            DistributedPlan plan = plan(id, caller, sql, parameters);
            execution = new QueryExecution(id, caller, sql, plan, services);
            live.put(id, execution);
            // a client that gives up while the query starts (Statement.cancel) cancels this call
            QueryExecution starting = execution;
            Context.CancellationListener cancelled = context -> starting.cancel(
                    new CoddException(ErrorCode.QUERY_CANCELLED, "Query cancelled while it started"));
            Context.current().addListener(cancelled, Runnable::run);
            try {
                execution.start();
            } catch (CoddException e) {
                live.remove(id);
                throw e;
            } finally {
                Context.current().removeListener(cancelled);
            }
            unclaimed.put(id, execution);
            timers.schedule(() -> services.fetchers().execute(() -> abandon(id)), UNCLAIMED_RESULT_SECONDS,
                    TimeUnit.SECONDS);
            FlightSql.TicketStatementQuery ticket = FlightSql.TicketStatementQuery.newBuilder()
                    .setStatementHandle(ByteString.copyFromUtf8(id))
                    .build();
            return new FlightInfo(execution.schema(), descriptor,
                    List.of(new FlightEndpoint(new Ticket(Any.pack(ticket).toByteArray()))), -1, -1);
        } catch (CoddException e) {
            LOG.info("Query {} failed: {}", id, e.getMessage());
            if (execution == null) { // a query that started records its own end
                QueryRecord failed = new QueryRecord(id, caller.user(), sql, QueryRecord.State.FAILED, started,
                        Duration.between(started, Instant.now()), 0, List.of(), 0, 0,
                        Optional.of(e.errorCode().sqlState() + ": " + e.getMessage()));
                services.log().ended(failed);
                services.audit().ended(failed);
            }
            throw WireErrors.toFlight(e);
        }
    }

    /** What queries plan against: the tables the nodes hold now, and the functions users registered. */
    private ClusterCatalog catalog() {
        return catalog(services.registry().catalog(), services.functions().all());
    }

    private static ClusterCatalog catalog(ClusterCatalog tables, List<FunctionCatalog.StoredFunction> functions) {
        return tables.withFunctions(FunctionCatalog.forPlanner(functions));
    }

    /** Runs CREATE FUNCTION or DROP FUNCTION, at the requester only: nodes fetch a module when a query first needs it. */
    private void run(FunctionDdl ddl, Caller caller) {
        if (ddl instanceof FunctionDdl.Create create) {
            FunctionCatalog.StoredFunction stored = services.functions().create(create, caller.user());
            LOG.info("Function {} registered by {} from module {}", stored.function().signature(), caller.user(),
                    stored.function().cid());
        } else if (ddl instanceof FunctionDdl.Drop drop) {
            services.functions().drop(drop);
            LOG.info("Function {} dropped by {}", drop.name(), caller.user());
        }
    }

    /** The plan of a query, or for EXPLAIN [ANALYZE] a plan whose rows explain the query's plan. */
    private DistributedPlan plan(String id, Caller caller, String sql, List<Object> parameters) {
        Optional<Explain.Request> explain = Explain.parse(sql);
        if (explain.isEmpty()) {
            ClusterCatalog tables = services.registry().catalog();
            List<FunctionCatalog.StoredFunction> functions = services.functions().all();
            return plans.plan(sql, parameters, tables, functions,
                    () -> planner.plan(sql, parameters, catalog(tables, functions)));
        }
        DistributedPlan plan = planner.plan(explain.get().query(), parameters, catalog());
        List<QueryExecution.FragmentRun> runs = List.of();
        if (explain.get().analyze()) {
            QueryExecution analyzed = new QueryExecution(id + "-analyzed", caller, explain.get().query(), plan, services);
            live.put(analyzed.id(), analyzed);
            try {
                analyzed.start();
                runs = analyzed.drain();
            } finally {
                live.remove(analyzed.id());
            }
        }
        return Explain.of(plan, runs, explain.get().analyze());
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
            ServerStreamListener listener) {
        String id = ticket.getStatementHandle().toStringUtf8();
        QueryExecution execution = unclaimed.remove(id);
        if (execution == null) {
            listener.error(WireErrors.toFlight(new CoddException(ErrorCode.UNKNOWN_STATEMENT,
                    "No result waits under handle " + id + ": it was read already or expired")));
            return;
        }
        // on a thread of its own: gRPC delivers this call's ready and cancel signals on the calling thread
        services.streams().execute(() -> {
            try {
                execution.streamTo(listener);
            } finally {
                live.remove(id);
            }
        });
    }

    private void abandon(String id) {
        QueryExecution execution = unclaimed.remove(id);
        if (execution != null) {
            LOG.info("Query {}: nobody read the result within {} s; cancelling", id, UNCLAIMED_RESULT_SECONDS);
            execution.abort(new CoddException(ErrorCode.QUERY_CANCELLED, "Result not read in time"));
            live.remove(id);
        }
    }

    // ---- prepared statements

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            boolean ddl = FunctionDdl.parse(request.getQuery()).isPresent();
            List<RelDataType> parameterTypes = ddl ? List.of() : planner.parameterTypes(request.getQuery(), catalog());
            int parameterCount = parameterTypes.size();
            String handle = UUID.randomUUID().toString();
            List<Field> parameterFields = new ArrayList<>();
            for (int i = 1; i <= parameterCount; i++) {
                parameterFields.add(new Field("p" + i, FieldType.nullable(ParameterTypes.arrow(parameterTypes.get(i - 1))),
                        null));
            }
            FlightSql.ActionCreatePreparedStatementResult.Builder result = FlightSql.ActionCreatePreparedStatementResult
                    .newBuilder()
                    .setPreparedStatementHandle(ByteString.copyFromUtf8(handle))
                    .setParameterSchema(ByteString.copyFrom(new Schema(parameterFields).serializeAsMessage()));
            Optional<Schema> dataset = ddl ? Optional.of(new Schema(List.of())) : describe(request.getQuery());
            dataset.ifPresent(schema -> result.setDatasetSchema(ByteString.copyFrom(schema.serializeAsMessage())));
            // kept only once it is sure to reach the client: a statement that fails here leaves nothing behind
            prepared.put(handle, new PreparedQuery(request.getQuery(), parameterCount));
            listener.onNext(new Result(Any.pack(result.build()).toByteArray()));
            listener.onCompleted();
        } catch (CoddException e) {
            listener.onError(WireErrors.toFlight(e));
        }
    }

    /**
     * The columns a prepared query returns, found without the nodes (BI tools ask before they
     * execute); empty when its plan cannot say so without reading data, or for EXPLAIN. A query
     * that does not parse or names what does not exist fails here.
     */
    private Optional<Schema> describe(String sql) {
        if (Explain.parse(sql).isPresent()) {
            return Optional.empty();
        }
        try {
            DistributedPlan plan = planner.describe(sql, catalog());
            if (!plan.exchanges().isEmpty() || plan.rootSql().isEmpty()) {
                return Optional.empty();
            }
            try (ArrowQuery query = services.rootDuckDb().query(plan.rootSql().get(), List.of(), services.allocator(), 1)) {
                return Optional.of(QueryExecution.renamed(query.reader().getVectorSchemaRoot().getSchema(),
                        plan.columnNames()));
            }
        } catch (CoddException e) {
            if (e.errorCode().sqlState().startsWith("42")) {
                throw e; // a syntax error or an unknown name is the statement's error, at once
            }
            return Optional.empty(); // the first execution describes it
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightStream stream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                PreparedQuery query = preparedQuery(command.getPreparedStatementHandle());
                List<Object> values = List.of();
                while (stream.next()) {
                    values = ParameterValues.read(stream.getRoot());
                }
                if (values.size() != query.parameterCount) {
                    throw new CoddException(ErrorCode.INVALID_PARAMETER, "The statement has " + query.parameterCount
                            + " parameter(s) but " + values.size() + " value(s) were bound");
                }
                query.parameters = values;
                ackStream.onCompleted();
            } catch (CoddException e) {
                ackStream.onError(WireErrors.toFlight(e));
            }
        };
    }

    @Override
    public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        prepared.remove(request.getPreparedStatementHandle().toStringUtf8());
        listener.onCompleted();
    }

    private PreparedQuery preparedQuery(ByteString handle) {
        PreparedQuery query = prepared.get(handle.toStringUtf8());
        if (query == null) {
            throw WireErrors.toFlight(new CoddException(ErrorCode.UNKNOWN_STATEMENT,
                    "No prepared statement has handle " + handle.toStringUtf8()));
        }
        return query;
    }

    // ---- catalog metadata

    @Override
    public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_SQL_INFO_SCHEMA);
    }

    @Override
    public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context,
            ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_CATALOGS_SCHEMA);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        send(Schemas.GET_CATALOGS_SCHEMA, listener, root -> {
            ((VarCharVector) root.getVector("catalog_name")).setSafe(0, utf8(CATALOG));
            root.setRowCount(1);
        });
    }

    @Override
    public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_SCHEMAS_SCHEMA);
    }

    @Override
    public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context,
            ServerStreamListener listener) {
        boolean inCatalog = !command.hasCatalog() || command.getCatalog().equals(CATALOG);
        List<String> schemas = !inCatalog ? List.of() : SCHEMAS.stream()
                .filter(schema -> !command.hasDbSchemaFilterPattern() || like(command.getDbSchemaFilterPattern(), schema))
                .toList();
        send(Schemas.GET_SCHEMAS_SCHEMA, listener, root -> {
            for (int i = 0; i < schemas.size(); i++) {
                ((VarCharVector) root.getVector("catalog_name")).setSafe(i, utf8(CATALOG));
                ((VarCharVector) root.getVector("db_schema_name")).setSafe(i, utf8(schemas.get(i)));
            }
            root.setRowCount(schemas.size());
        });
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_TABLE_TYPES_SCHEMA);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        send(Schemas.GET_TABLE_TYPES_SCHEMA, listener, root -> {
            for (int i = 0; i < TABLE_TYPES.size(); i++) {
                ((VarCharVector) root.getVector("table_type")).setSafe(i, utf8(TABLE_TYPES.get(i)));
            }
            root.setRowCount(TABLE_TYPES.size());
        });
    }

    @Override
    public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor,
                request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
    }

    /** A table as the metadata calls list it. */
    private record ListedTable(String schema, String type, ClusterTable table, String name) {}

    @Override
    public void getStreamTables(FlightSql.CommandGetTables command, CallContext context,
            ServerStreamListener listener) {
        ClusterCatalog catalog = services.registry().catalog();
        List<ListedTable> tables = new ArrayList<>();
        catalog.tables().forEach((name, table) -> tables.add(new ListedTable(QueryPlanner.DATA_SCHEMA, "TABLE", table, name)));
        catalog.system().forEach((name, table) -> tables.add(new ListedTable(QueryPlanner.SYSTEM_SCHEMA, "SYSTEM TABLE",
                table, name)));
        boolean inCatalog = !command.hasCatalog() || command.getCatalog().equals(CATALOG);
        List<ListedTable> listed = !inCatalog ? List.of() : tables.stream()
                .filter(t -> !command.hasDbSchemaFilterPattern() || like(command.getDbSchemaFilterPattern(), t.schema()))
                .filter(t -> command.getTableTypesCount() == 0 || command.getTableTypesList().contains(t.type()))
                .filter(t -> !command.hasTableNameFilterPattern() || like(command.getTableNameFilterPattern(), t.name()))
                .sorted(Comparator.comparing(ListedTable::type).thenComparing(ListedTable::schema)
                        .thenComparing(ListedTable::name))
                .toList();
        Schema schema = command.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        try {
            send(schema, listener, root -> {
                for (int i = 0; i < listed.size(); i++) {
                    ListedTable table = listed.get(i);
                    ((VarCharVector) root.getVector("catalog_name")).setSafe(i, utf8(CATALOG));
                    ((VarCharVector) root.getVector("db_schema_name")).setSafe(i, utf8(table.schema()));
                    ((VarCharVector) root.getVector("table_name")).setSafe(i, utf8(table.name()));
                    ((VarCharVector) root.getVector("table_type")).setSafe(i, utf8(table.type()));
                    if (command.getIncludeSchema()) {
                        Schema tableSchema = tableSchemas.of(CATALOG, table.schema(), table.name(), table.table());
                        ((VarBinaryVector) root.getVector("table_schema")).setSafe(i, tableSchema.serializeAsMessage());
                    }
                }
                root.setRowCount(listed.size());
            });
        } catch (CoddException e) {
            listener.error(WireErrors.toFlight(e));
        }
    }

    private static FlightInfo metadataInfo(Message command, FlightDescriptor descriptor, Schema schema) {
        return new FlightInfo(schema, descriptor,
                List.of(new FlightEndpoint(new Ticket(Any.pack(command).toByteArray()))), -1, -1);
    }

    private void send(Schema schema, ServerStreamListener listener, Consumer<VectorSchemaRoot> fill) {
        BufferAllocator allocator = services.allocator();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            fill.accept(root);
            listener.start(root);
            listener.putNext();
            listener.completed();
        }
    }

    /**
     * SQL LIKE, as JDBC metadata patterns use it: % any string, _ any character, \ before either
     * for itself; without regard to case, as names are matched in SQL.
     */
    private static boolean like(String pattern, String value) {
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
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(value).matches();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- the cluster's own actions

    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        switch (action.getType()) {
            case ClusterActions.HEARTBEAT -> {
                try {
                    Heartbeat beat = WireJson.read(action.getBody(), Heartbeat.class);
                    var reply = services.registry().heartbeat(beat, Instant.now());
                    listener.onNext(new Result(WireJson.write(reply)));
                    listener.onCompleted();
                } catch (CoddException e) {
                    listener.onError(WireErrors.toFlight(e));
                }
            }
            case ClusterActions.MODULE -> {
                try {
                    listener.onNext(new Result(services.functions().module(new String(action.getBody(),
                            StandardCharsets.UTF_8))));
                    listener.onCompleted();
                } catch (CoddException e) {
                    listener.onError(WireErrors.toFlight(e));
                }
            }
            case ClusterActions.LEAVE -> {
                services.registry().leave(new String(action.getBody(), StandardCharsets.UTF_8));
                listener.onCompleted();
            }
            case ClusterActions.QUERY_PROGRESS -> WireErrors.answer(listener, () -> {
                String key = new String(action.getBody(), StandardCharsets.UTF_8);
                services.log().progress(key)
                        .ifPresent(query -> listener.onNext(new Result(utf8(query.fragmentsDone() + " "
                                + query.fragments() + " " + query.traffic().stream()
                                        .mapToLong(QueryRecord.NodeTraffic::rows).sum() + " "
                                + query.elapsed().toMillis()))));
            });
            case ClusterActions.JOB_SUBMIT -> WireErrors.answer(listener, () -> {
                JobSubmission submission = WireJson.read(action.getBody(), JobSubmission.class);
                listener.onNext(new Result(WireJson.write(jobs.submit(submission.user(), submission.spec()))));
            });
            case ClusterActions.JOB_LIST -> WireErrors.answer(listener, () -> {
                String id = new String(action.getBody(), StandardCharsets.UTF_8).strip();
                List<Job> listed = id.isEmpty() ? jobs.list() : List.of(jobs.get(id).orElseThrow(
                        () -> new CoddException(ErrorCode.INVALID_ARGUMENT, "No job " + id)));
                listed.forEach(job -> listener.onNext(new Result(WireJson.write(job))));
            });
            case ClusterActions.JOB_OUTPUT -> WireErrors.answer(listener, () -> jobs.output(
                    WireJson.read(action.getBody(), JobOutputRequest.class), piece -> listener.onNext(new Result(piece))));
            default -> super.doAction(context, action, listener);
        }
    }

    /** Cancels every query and forgets every prepared statement. */
    void shutdown() {
        CoddException stopping = new CoddException(ErrorCode.QUERY_CANCELLED, "The requester is shutting down");
        unclaimed.values().forEach(execution -> execution.abort(stopping));
        live.values().forEach(execution -> execution.cancel(stopping));
        unclaimed.clear();
        prepared.clear();
    }
}
