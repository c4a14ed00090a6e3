package dev.codd.node.tpch;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.Sql;
import dev.codd.node.FileTrees;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Generates TPC-H data with {@code io.trino.tpch} and lays it out as Parquet shards over the data
 * directories of N nodes: lineitem and orders split by order key range into co-located shards
 * (shard i of both on node i), part and partsupp likewise by part key, nation and region whole on
 * every node (the same file, so the same CID: replicas), the other tables split into one shard per
 * node. Partition manifests declare the co-located splits, so joins on those keys run on the nodes.
 */
public final class TpchData {
    private static final Set<String> REPLICATED = Set.of("nation", "region");
    /** Tables split by the same key ranges, with the key each is split by. */
    private static final Map<String, String> PARTITION_KEYS = Map.of("lineitem", "l_orderkey", "orders", "o_orderkey",
            "part", "p_partkey", "partsupp", "ps_partkey");
    private static final Map<String, String> PARTITION_SCHEMES = Map.of("lineitem", "tpch-orderkey", "orders",
            "tpch-orderkey", "part", "tpch-partkey", "partsupp", "tpch-partkey");

    private TpchData() {}

    /** Writes every table at {@code scaleFactor} over {@code nodeDirectories}, one shard of each split table per node. */
    public static void writeSharded(double scaleFactor, List<Path> nodeDirectories) {
        try {
            Path parts = Files.createTempDirectory("codd-tpch");
            try {
                writeParts(scaleFactor, nodeDirectories.size(), parts);
                layOut(parts, nodeDirectories);
            } finally {
                FileTrees.delete(parts);
            }
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot write TPC-H data: " + e.getMessage(), e);
        }
    }

    /**
     * Writes every table at {@code scaleFactor} into {@code directory}: {@code TABLE/TABLE-i-of-PARTS.parquet}
     * for each split table, {@code TABLE/TABLE.parquet} for nation and region; {@link #layOut} then
     * spreads them over any number of nodes that divides {@code parts}.
     */
    public static void writeParts(double scaleFactor, int parts, Path directory) {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            for (TpchTable<?> table : TpchTable.getTables()) {
                String name = table.getTableName();
                Path tableDirectory = Files.createDirectories(directory.resolve(name));
                if (REPLICATED.contains(name)) {
                    write(duckdb, table, scaleFactor, 1, 1, directory, tableDirectory.resolve(name + ".parquet"));
                } else {
                    for (int part = 1; part <= parts; part++) {
                        write(duckdb, table, scaleFactor, part, parts, directory, tableDirectory.resolve(partFile(name, part, parts)));
                    }
                }
            }
        } catch (IOException | SQLException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot write TPC-H data: " + e.getMessage(), e);
        }
    }

    /**
     * Lays out the parts {@link #writeParts} wrote over {@code nodeDirectories}: consecutive parts of
     * each split table on each node (part i of lineitem where part i of orders is), nation and region
     * whole on every node, with the partition manifests that declare the co-located splits. Files are
     * hard links to the parts where the file system allows, copies elsewhere.
     */
    public static void layOut(Path partsDirectory, List<Path> nodeDirectories) throws IOException {
        int nodes = nodeDirectories.size();
        for (TpchTable<?> table : TpchTable.getTables()) {
            String name = table.getTableName();
            Path source = partsDirectory.resolve(name);
            if (REPLICATED.contains(name)) {
                for (Path node : nodeDirectories) {
                    link(source.resolve(name + ".parquet"), Files.createDirectories(node.resolve(name)).resolve(name + ".parquet"));
                }
                continue;
            }
            int parts;
            try (var files = Files.list(source)) {
                parts = (int) files.filter(file -> file.getFileName().toString().endsWith(".parquet")).count();
            }
            if (parts % nodes != 0) {
                throw new IllegalArgumentException(parts + " parts of " + name + " do not divide over " + nodes + " nodes");
            }
            for (int node = 0; node < nodes; node++) {
                Path directory = Files.createDirectories(nodeDirectories.get(node).resolve(name));
                StringBuilder shards = new StringBuilder();
                for (int part = node * parts / nodes + 1; part <= (node + 1) * parts / nodes; part++) {
                    String file = partFile(name, part, parts);
                    link(source.resolve(file), directory.resolve(file));
                    shards.append(shards.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": \"%d\"", file, part));
                }
                if (PARTITION_KEYS.containsKey(name)) {
                    Files.writeString(directory.resolve("_partitioning.json"), String.format(Locale.ROOT,
                            "{\"scheme\": \"%s-%d\", \"key\": [\"%s\"], \"shards\": {%s}}%n",
                            PARTITION_SCHEMES.get(name), parts, PARTITION_KEYS.get(name), shards));
                }
            }
        }
    }

    private static String partFile(String table, int part, int parts) {
        return String.format(Locale.ROOT, "%s-%d-of-%d.parquet", table, part, parts);
    }

    private static void link(Path existing, Path link) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(existing, link);
        }
    }

    /** The DuckDB type Codd stores a TPC-H column as; money and quantities are DECIMAL(15,2) as in the spec. */
    private static String duckDbType(TpchColumn<?> column) {
        return switch (column.getType().getBase()) {
            case IDENTIFIER -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DATE -> "DATE";
            case DOUBLE -> "DECIMAL(15,2)";
            case VARCHAR -> "VARCHAR";
        };
    }

    private static void write(Connection duckdb, TpchTable<?> table, double scaleFactor, int part, int parts,
            Path scratch, Path target) throws IOException, SQLException {
        Path text = scratch.resolve(table.getTableName() + "-" + part + ".tbl");
        try (BufferedWriter out = Files.newBufferedWriter(text, StandardCharsets.UTF_8)) {
            for (TpchEntity row : table.createGenerator(scaleFactor, part, parts)) {
                String line = row.toLine();
                out.write(line, 0, line.length() - 1); // every line ends with a separator
                out.newLine();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        String columns = table.getColumns().stream()
                .map(c -> "'" + c.getColumnName() + "': '" + duckDbType(c) + "'")
                .collect(Collectors.joining(", ", "{", "}"));
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT * FROM read_csv(" + Sql.string(text.toString()) + ", delim = '|', header = false, columns = "
                    + columns + ")) TO " + Sql.string(target.toString()) + " (FORMAT parquet)");
        }
        Files.delete(text);
    }
}
