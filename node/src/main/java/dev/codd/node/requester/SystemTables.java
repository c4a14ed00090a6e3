package dev.codd.node.requester;

import dev.codd.executors.Input;
import dev.codd.node.audit.AuditTables;
import dev.codd.node.wire.Job;
import dev.codd.node.wire.JobExecution;
import dev.codd.node.wire.ShardInfo;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.Partition;
import dev.codd.planner.catalog.Shard;
import dev.codd.planner.catalog.TableProblem;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The cluster as the requester sees it, as tables of schema {@code sys}: {@code sys.nodes},
 * {@code sys.tables}, {@code sys.shards}, {@code sys.queries} and {@code sys.functions}, beside the audit logs. The
 * requester serves them itself, as the node {@value AuditTables#REQUESTER}, through the same
 * fragment path as any table, so that they filter, join and aggregate like any table; their rows
 * are taken when a query reads them.
 */
final class SystemTables {
    private enum Table {
        NODES("nodes", List.of(new Column("name", "VARCHAR"), new Column("address", "VARCHAR"),
                new Column("state", "VARCHAR"), new Column("last_seen", "TIMESTAMP"), new Column("shards", "BIGINT"),
                new Column("row_count", "BIGINT"), new Column("running_fragments", "INTEGER"),
                new Column("audited", "BOOLEAN"), new Column("containers", "BOOLEAN"), new Column("labels", "VARCHAR"))),
        TABLES("tables", List.of(new Column("name", "VARCHAR"), new Column("column_count", "INTEGER"),
                new Column("shards", "BIGINT"), new Column("row_count", "BIGINT"), new Column("nodes", "VARCHAR"),
                new Column("partitioned_by", "VARCHAR"), new Column("problem", "VARCHAR"))),
        SHARDS("shards", List.of(new Column("table_name", "VARCHAR"), new Column("cid", "VARCHAR"),
                new Column("row_count", "BIGINT"), new Column("replicas", "INTEGER"), new Column("nodes", "VARCHAR"),
                new Column("partition_keys", "VARCHAR"), new Column("partition_id", "VARCHAR"))),
        QUERIES("queries", List.of(new Column("query_id", "VARCHAR"), new Column("state", "VARCHAR"),
                new Column("user_name", "VARCHAR"), new Column("sql", "VARCHAR"), new Column("started", "TIMESTAMP"),
                new Column("elapsed_ms", "BIGINT"), new Column("row_count", "BIGINT"),
                new Column("bytes_from_nodes", "BIGINT"), new Column("fragments", "INTEGER"),
                new Column("fragments_done", "INTEGER"), new Column("error", "VARCHAR"))),
        FUNCTIONS("functions", List.of(new Column("name", "VARCHAR"), new Column("signature", "VARCHAR"),
                new Column("language", "VARCHAR"), new Column("module_cid", "VARCHAR"), new Column("export", "VARCHAR"),
                new Column("timeout_ms", "BIGINT"), new Column("memory_pages", "INTEGER"), new Column("wasi", "BOOLEAN"),
                new Column("owner", "VARCHAR"), new Column("created", "TIMESTAMP"))),
        JOBS("jobs", List.of(new Column("job_id", "VARCHAR"), new Column("state", "VARCHAR"),
                new Column("user_name", "VARCHAR"), new Column("image", "VARCHAR"), new Column("command", "VARCHAR"),
                new Column("table_name", "VARCHAR"), new Column("labels", "VARCHAR"), new Column("nodes", "VARCHAR"),
                new Column("created", "TIMESTAMP"), new Column("ended", "TIMESTAMP"), new Column("error", "VARCHAR"))),
        JOB_OUTPUTS("job_outputs", List.of(new Column("job_id", "VARCHAR"), new Column("node", "VARCHAR"),
                new Column("path", "VARCHAR"), new Column("cid", "VARCHAR"), new Column("bytes", "BIGINT"),
                new Column("image_id", "VARCHAR")));

        final String name;
        final List<Column> columns;

        Table(String name, List<Column> columns) {
            this.name = name;
            this.columns = columns;
        }

        /** The name fragments use: no data table can have it, since files and directories starting with _ are hidden. */
        String fragmentName() {
            return "_" + name;
        }

        ClusterTable clusterTable() {
            return new ClusterTable(fragmentName(), columns, List.of(new Shard("sys-" + name, 0,
                    List.of(AuditTables.REQUESTER))));
        }
    }

    private final NodeRegistry registry;
    private final QueryLog queries;
    private final FunctionCatalog functions;
    private final Jobs jobs;

    SystemTables(NodeRegistry registry, QueryLog queries, FunctionCatalog functions, Jobs jobs) {
        this.jobs = jobs;
        this.registry = registry;
        this.queries = queries;
        this.functions = functions;
    }

    /**
     * The tables of schema {@code sys}, by their name there.
     *
     * @param requesterAudits whether the requester keeps an audit log
     * @param auditingNodes the nodes that keep one, each with whether it is up
     */
    static Map<String, ClusterTable> catalog(boolean requesterAudits, Map<String, Boolean> auditingNodes) {
        Map<String, ClusterTable> tables = new LinkedHashMap<>(AuditTables.system(requesterAudits, auditingNodes));
        for (Table table : Table.values()) {
            tables.put(table.name, table.clusterTable());
        }
        return tables;
    }

    /** The rows of the table a fragment names, as of now; empty for a name that is none of these tables. */
    Optional<Input.Rows> rows(String fragmentTable) {
        return Arrays.stream(Table.values())
                .filter(table -> table.fragmentName().equalsIgnoreCase(fragmentTable))
                .findFirst()
                .map(table -> new Input.Rows(table.columns.stream().map(Column::name).toList(),
                        table.columns.stream().map(Column::type).toList(), rowsOf(table)));
    }

    private List<List<Object>> rowsOf(Table table) {
        return switch (table) {
            case NODES -> nodes();
            case TABLES -> tables();
            case SHARDS -> shards();
            case QUERIES -> queries();
            case FUNCTIONS -> functions();
            case JOBS -> jobs();
            case JOB_OUTPUTS -> jobOutputs();
        };
    }

    private List<List<Object>> nodes() {
        List<List<Object>> rows = new ArrayList<>();
        for (NodeRegistry.NodeState node : registry.nodes()) {
            var shards = node.catalog().shards();
            rows.add(Arrays.asList(node.name(), node.address().toString(), node.up() ? "up" : "down",
                    utc(node.lastSeen()), shards.size(), shards.stream().mapToLong(ShardInfo::rows).sum(),
                    node.runningFragments(), node.audited(), node.containers(),
                    node.labels().isEmpty() ? null : new TreeMap<>(node.labels()).toString()));
        }
        return rows;
    }

    private List<List<Object>> tables() {
        List<List<Object>> rows = new ArrayList<>();
        for (ClusterTable table : registry.catalog().tables().values()) {
            rows.add(Arrays.asList(table.name(), table.columns().size(), table.shards().size(),
                    table.shards().stream().mapToLong(Shard::rowCount).sum(),
                    names(table.shards().stream().flatMap(shard -> shard.nodes().stream())),
                    table.partitioning().map(p -> String.join(", ", p.keys())).orElse(null),
                    table.problem().map(TableProblem::message).orElse(null)));
        }
        return rows;
    }

    private List<List<Object>> shards() {
        List<List<Object>> rows = new ArrayList<>();
        for (ClusterTable table : registry.catalog().tables().values()) {
            for (Shard shard : table.shards()) {
                Optional<Partition> partition = shard.partition();
                rows.add(Arrays.asList(table.name(), shard.cid(), shard.rowCount(), shard.nodes().size(),
                        names(shard.nodes().stream()), partition.map(p -> String.join(", ", p.keys())).orElse(null),
                        partition.map(Partition::id).orElse(null)));
            }
        }
        return rows;
    }

    private List<List<Object>> queries() {
        List<QueryRecord> all = new ArrayList<>(queries.running());
        all.addAll(queries.recent());
        List<List<Object>> rows = new ArrayList<>();
        for (QueryRecord query : all) {
            rows.add(Arrays.asList(query.id(), query.state().name(), query.user(), query.sql(), utc(query.started()),
                    query.elapsed().toMillis(), query.rows(),
                    query.traffic().stream().mapToLong(QueryRecord.NodeTraffic::bytes).sum(), query.fragments(),
                    query.fragmentsDone(), query.error().orElse(null)));
        }
        return rows;
    }

    private List<List<Object>> functions() {
        List<List<Object>> rows = new ArrayList<>();
        for (FunctionCatalog.StoredFunction stored : functions.all()) {
            var function = stored.function();
            rows.add(Arrays.asList(function.name(), function.signature(stored.parameterNames()), "WASM", function.cid(), function.export(),
                    function.limits().timeoutMillis(), function.limits().memoryPages(), function.limits().wasi(),
                    stored.owner(), utc(Instant.parse(stored.created()))));
        }
        return rows;
    }

    private List<List<Object>> jobs() {
        List<List<Object>> rows = new ArrayList<>();
        for (Job job : jobs.list()) {
            boolean ended = job.state().equals("COMPLETED") || job.state().equals("FAILED");
            Job.Event last = job.history().get(job.history().size() - 1);
            rows.add(Arrays.asList(job.id(), job.state(), job.user(), job.spec().image(),
                    String.join(" ", job.spec().command()), job.spec().table(),
                    job.spec().nodeLabels().isEmpty() ? null : new TreeMap<>(job.spec().nodeLabels()).toString(),
                    String.join(",", job.nodes()), utc(job.created()), ended ? utc(last.time()) : null,
                    ended ? last.detail() : null));
        }
        return rows;
    }

    private List<List<Object>> jobOutputs() {
        List<List<Object>> rows = new ArrayList<>();
        for (Job job : jobs.list()) {
            for (JobExecution execution : job.executions()) {
                for (JobExecution.JobOutput output : execution.outputs()) {
                    rows.add(Arrays.asList(job.id(), execution.node(), output.path(), output.cid(), output.bytes(),
                            execution.imageId()));
                }
            }
        }
        return rows;
    }

    /** Distinct names, sorted, as one text. */
    private static String names(Stream<String> names) {
        return names.distinct().sorted().collect(Collectors.joining(","));
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
