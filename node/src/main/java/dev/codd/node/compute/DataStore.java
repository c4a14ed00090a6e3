package dev.codd.node.compute;

import dev.codd.common.Cid;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.FileFormat;
import dev.codd.executors.Input;
import dev.codd.executors.Sql;
import dev.codd.node.wire.ColumnInfo;
import dev.codd.node.wire.ColumnStats;
import dev.codd.node.wire.NodeCatalog;
import dev.codd.node.wire.ShardInfo;
import dev.codd.node.wire.ShardPartition;
import dev.codd.node.wire.UnreadableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's data directory as shards. Every file under {@code DATA/<table>/} (Parquet, CSV, JSON)
 * is a shard of {@code <table>}; every table of a DuckDB database {@code DATA/*.duckdb} is a shard
 * of a table of that name. Each shard is known by the CID of its file. Files are described once
 * and again only when their size or modification time changes.
 */
public final class DataStore {
    private static final Logger LOG = LoggerFactory.getLogger(DataStore.class);

    /** A file as last seen; a different size or time means new content. */
    private record FileKey(Path path, long size, long modified) {}

    /** What a shard is bound to when a fragment names its table (in any case, as in SQL) and CID. */
    private record ShardKey(String table, String cid) {
        static ShardKey of(String table, String cid) {
            return new ShardKey(table.toLowerCase(Locale.ROOT), cid);
        }
    }

    private final Path root;
    private final DuckDbExecutor duckdb;
    private final Map<FileKey, List<ShardInfo>> described = new HashMap<>();
    private final Map<FileKey, String> failures = new HashMap<>();
    /** The databases attached now, by alias, with their files. */
    private final Map<String, Path> attached = new HashMap<>();
    private volatile Map<ShardKey, Input.Source> sources = Map.of();
    private NodeCatalog catalog = NodeCatalog.EMPTY;
    private String listingProblem;
    private final Set<String> reportedProblems = new HashSet<>();

    public DataStore(Path root, DuckDbExecutor duckdb) {
        this.root = root.toAbsolutePath().normalize();
        this.duckdb = duckdb;
    }

    public Path root() {
        return root;
    }

    /**
     * Reads the directory again and returns every shard it holds now. When the directory cannot be
     * listed completely the previous catalog stands: a table must not shrink because a directory
     * could not be read for a moment.
     */
    public synchronized NodeCatalog scan() {
        List<Path> files;
        try {
            files = listFiles();
            listingProblem = null;
        } catch (IOException | UncheckedIOException e) {
            if (!e.toString().equals(listingProblem)) {
                LOG.warn("Cannot list {}; keeping the catalog as it was: {}", root, e.toString());
                listingProblem = e.toString();
            }
            return catalog;
        }
        Map<FileKey, List<ShardInfo>> current = new LinkedHashMap<>();
        Map<ShardKey, Input.Source> bound = new HashMap<>();
        Map<ShardKey, String> boundFiles = new HashMap<>();
        Set<FileKey> seen = new HashSet<>();
        for (Path file : files) {
            FileKey key;
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                key = new FileKey(file, attributes.size(), attributes.lastModifiedTime().toMillis());
            } catch (IOException e) {
                continue; // removed while we looked
            }
            seen.add(key);
            List<ShardInfo> shards = described.get(key);
            if (shards == null && !failures.containsKey(key)) {
                try {
                    shards = describe(file);
                } catch (IOException | CoddException e) {
                    String why = e instanceof CoddException ? e.getMessage() : e.toString();
                    failures.put(key, why);
                    LOG.warn("Cannot read {}: {}; its table cannot be queried until the file is fixed, removed or hidden", root.relativize(file), why);
                }
            }
            if (shards != null) {
                current.put(key, shards);
                for (ShardInfo shard : shards) {
                    ShardKey shardKey = ShardKey.of(shard.table(), shard.cid());
                    bound.put(shardKey, sourceOf(file, shard));
                    String earlier = boundFiles.put(shardKey, shard.file());
                    if (earlier != null) { // a shard is its content: the copies are one shard, read once
                        warnOnce("Table " + shard.table() + " holds the same content twice: " + earlier + " and "
                                + shard.file() + " are one shard (" + shard.cid() + "), read once");
                    }
                }
            }
        }
        described.keySet().retainAll(current.keySet());
        described.putAll(current);
        failures.keySet().retainAll(seen);
        sources = Map.copyOf(bound);
        detachRemoved(current.values());
        List<ShardInfo> all = withPartitions(current.values().stream().flatMap(List::stream).toList()).stream()
                .sorted(Comparator.comparing(ShardInfo::table).thenComparing(ShardInfo::file))
                .toList();
        // a database file that cannot be read names no table: its failure is only in the log
        List<UnreadableFile> unreadable = failures.entrySet().stream()
                .filter(failure -> !isDuckDb(failure.getKey().path()))
                .map(failure -> {
                    Path relative = root.relativize(failure.getKey().path());
                    return new UnreadableFile(relative.getName(0).toString(), relative.toString(), failure.getValue());
                })
                .sorted(Comparator.comparing(UnreadableFile::file))
                .toList();
        catalog = new NodeCatalog(all, unreadable);
        return catalog;
    }

    /** The shards with the partition their table's manifest gives them, read anew each scan. */
    private List<ShardInfo> withPartitions(List<ShardInfo> shards) {
        Map<String, Optional<PartitionManifest>> manifests = new HashMap<>();
        List<ShardInfo> result = new ArrayList<>(shards.size());
        for (ShardInfo shard : shards) {
            if (shard.format().equals("duckdb")) {
                result.add(shard);
                continue;
            }
            Path file = root.resolve(shard.file());
            Path tableDirectory = root.resolve(root.relativize(file).getName(0));
            Optional<PartitionManifest> manifest = manifests.computeIfAbsent(tableDirectory.toString(), t -> {
                try {
                    return PartitionManifest.read(tableDirectory);
                } catch (IOException | RuntimeException e) {
                    warnOnce("Ignoring the partitioning of " + root.relativize(tableDirectory) + ": " + e.getMessage());
                    return Optional.empty();
                }
            });
            Optional<ShardPartition> partition = manifest
                    .flatMap(m -> m.partitionOf(tableDirectory.relativize(file).toString()))
                    .filter(p -> p.keys().stream().allMatch(key -> shard.columns().stream()
                            .anyMatch(column -> column.name().equalsIgnoreCase(key))));
            result.add(shard.withPartition(partition.orElse(null)));
        }
        return result;
    }

    private void warnOnce(String problem) {
        if (reportedProblems.add(problem)) {
            LOG.warn(problem);
        }
    }

    /**
     * The local sources for the shards of {@code table} with these CIDs; a CID this node does not
     * hold for that table refuses the whole fragment.
     */
    public List<Input.Source> sources(String table, List<String> cids) {
        Map<ShardKey, Input.Source> known = sources;
        List<Input.Source> result = new ArrayList<>(cids.size());
        for (String cid : cids) {
            Input.Source source = known.get(ShardKey.of(table, cid));
            if (source == null) {
                throw new CoddException(ErrorCode.FRAGMENT_REFUSED,
                        "Fragment refused: this node holds no shard " + cid + " of table " + table);
            }
            result.add(source);
        }
        if (result.isEmpty()) {
            throw new CoddException(ErrorCode.FRAGMENT_REFUSED, "Fragment refused: no shards named for table " + table);
        }
        return result;
    }

    /** Every shard file: DATA/<table>/** and DATA/*.duckdb, skipping what is hidden at any depth. */
    private List<Path> listFiles() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> top = Files.list(root)) {
            for (Path entry : top.sorted().toList()) {
                if (isHidden(entry)) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    try (Stream<Path> tree = Files.walk(entry)) {
                        tree.filter(Files::isRegularFile)
                                .filter(file -> root.relativize(file).getNameCount() >= 2)
                                .filter(file -> !hiddenBelowRoot(file) && FileFormat.of(file).isPresent())
                                .sorted()
                                .forEach(files::add);
                    }
                } else if (isDuckDb(entry)) {
                    files.add(entry);
                }
            }
        }
        return files;
    }

    private boolean hiddenBelowRoot(Path file) {
        for (Path part : root.relativize(file)) {
            if (isHidden(part)) {
                return true;
            }
        }
        return false;
    }

    private List<ShardInfo> describe(Path file) throws IOException {
        String cid = Cid.of(file);
        String relative = root.relativize(file).toString();
        if (isDuckDb(file)) {
            return describeDatabase(file, cid, relative);
        }
        FileFormat format = FileFormat.of(file).orElseThrow();
        String table = root.relativize(file).getName(0).toString();
        String reader = new Input.DataFile(file, format).sql();
        return duckdb.withConnection(connection -> {
            List<ColumnInfo> columns = columns(connection, "SELECT * FROM " + reader);
            long rows = format == FileFormat.PARQUET
                    ? longValue(connection, "SELECT num_rows FROM parquet_file_metadata(" + Sql.string(file.toString()) + ")")
                    : longValue(connection, "SELECT count(*) FROM " + reader);
            Map<String, ColumnStats> stats = format == FileFormat.PARQUET
                    ? parquetStats(connection, "parquet_metadata(" + Sql.string(file.toString()) + ")", columns)
                    : Map.of();
            return List.of(new ShardInfo(table, cid, relative, format.name().toLowerCase(Locale.ROOT), rows,
                    columns, stats, null));
        });
    }

    private List<ShardInfo> describeDatabase(Path file, String cid, String relative) {
        String alias = aliasOf(cid);
        return duckdb.withConnection(connection -> {
            if (!attached.containsKey(alias)) {
                // the file's earlier content, if it was replaced: DuckDB attaches a file once
                for (String stale : attached.entrySet().stream().filter(e -> e.getValue().equals(file))
                        .map(Map.Entry::getKey).toList()) {
                    detach(stale);
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ATTACH " + Sql.string(file.toString()) + " AS " + Sql.identifier(alias)
                            + " (READ_ONLY)");
                }
                attached.put(alias, file);
            }
            List<String> tables = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                            + Sql.string(alias) + " AND schema_name = 'main' ORDER BY table_name")) {
                while (result.next()) {
                    tables.add(result.getString(1));
                }
            }
            List<ShardInfo> shards = new ArrayList<>();
            for (String table : tables) {
                String source = new Input.AttachedTable(alias, table).sql();
                shards.add(new ShardInfo(table, cid, relative + "#" + table, "duckdb",
                        longValue(connection, "SELECT count(*) FROM " + source),
                        columns(connection, "SELECT * FROM " + source), Map.of(), null));
            }
            return shards;
        });
    }

    private static List<ColumnInfo> columns(Connection connection, String query) throws SQLException {
        List<ColumnInfo> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("DESCRIBE " + query)) {
            while (result.next()) {
                columns.add(new ColumnInfo(result.getString("column_name"), result.getString("column_type")));
            }
        }
        return columns;
    }

    /**
     * Each column's min and max over the row groups, from the Parquet footer's statistics. A column
     * gets none when a row group with values has no statistics DuckDB can read: a range that left
     * out a row group would prune a shard that matches. {@code metadata} is the relation of
     * {@code parquet_metadata(file)}, one row per column chunk.
     */
    static Map<String, ColumnStats> parquetStats(Connection connection, String metadata, List<ColumnInfo> columns)
            throws SQLException {
        String query = columns.stream()
                .filter(column -> !column.type().contains("[") && !column.type().startsWith("STRUCT")
                        && !column.type().startsWith("MAP"))
                .map(column -> {
                    String min = "TRY_CAST(stats_min_value AS " + column.type() + ")";
                    String max = "TRY_CAST(stats_max_value AS " + column.type() + ")";
                    String known = "bool_and(coalesce(stats_null_count = num_values, false) OR (" + min
                            + " IS NOT NULL AND " + max + " IS NOT NULL))";
                    return "SELECT " + Sql.string(column.name())
                            + ", CASE WHEN " + known + " THEN min(" + min + ")::VARCHAR END"
                            + ", CASE WHEN " + known + " THEN max(" + max + ")::VARCHAR END FROM " + metadata
                            + " WHERE path_in_schema = " + Sql.string(column.name());
                })
                .collect(Collectors.joining(" UNION ALL "));
        Map<String, ColumnStats> stats = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return stats;
        }
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                stats.put(result.getString(1), new ColumnStats(result.getString(2), result.getString(3)));
            }
        }
        return stats;
    }

    private static long longValue(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private Input.Source sourceOf(Path file, ShardInfo shard) {
        return isDuckDb(file)
                ? new Input.AttachedTable(aliasOf(shard.cid()), shard.table())
                : new Input.DataFile(file, FileFormat.of(file).orElseThrow());
    }

    private void detachRemoved(Iterable<List<ShardInfo>> current) {
        Set<String> live = new HashSet<>();
        current.forEach(shards -> shards.stream().filter(s -> s.format().equals("duckdb"))
                .forEach(s -> live.add(aliasOf(s.cid()))));
        for (String alias : Set.copyOf(attached.keySet())) {
            if (!live.contains(alias)) {
                detach(alias);
            }
        }
    }

    private void detach(String alias) {
        try {
            duckdb.withConnection(connection -> {
                try (Statement statement = connection.createStatement()) {
                    return statement.execute("DETACH " + Sql.identifier(alias));
                }
            });
            attached.remove(alias);
        } catch (CoddException e) {
            LOG.warn("Cannot detach {}: {}", alias, e.getMessage());
        }
    }

    private static String aliasOf(String cid) {
        return "cid_" + cid;
    }

    private static boolean isDuckDb(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".duckdb");
    }

    private static boolean isHidden(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(".") || name.startsWith("_");
    }
}
