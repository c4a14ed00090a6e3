package dev.codd.node.tpch;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.Sql;
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

    /** Writes every table at {@code scaleFactor} over {@code nodeDirectories}. */
    public static void writeSharded(double scaleFactor, List<Path> nodeDirectories) {
        int nodes = nodeDirectories.size();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            Path scratch = Files.createTempDirectory("codd-tpch");
            try {
                for (TpchTable<?> table : TpchTable.getTables()) {
                    String name = table.getTableName();
                    if (REPLICATED.contains(name)) {
                        Path file = scratch.resolve(name + ".parquet");
                        write(duckdb, table, scaleFactor, 1, 1, scratch, file);
                        for (Path node : nodeDirectories) {
                            Files.createDirectories(node.resolve(name));
                            Files.copy(file, node.resolve(name).resolve(name + ".parquet"));
                        }
                    } else {
                        for (int part = 1; part <= nodes; part++) {
                            Path directory = nodeDirectories.get(part - 1).resolve(name);
                            Files.createDirectories(directory);
                            String file = String.format(Locale.ROOT, "%s-%d-of-%d.parquet", name, part, nodes);
                            write(duckdb, table, scaleFactor, part, nodes, scratch, directory.resolve(file));
                            if (PARTITION_KEYS.containsKey(name)) {
                                Files.writeString(directory.resolve("_partitioning.json"), String.format(Locale.ROOT,
                                        "{\"scheme\": \"%s-%d\", \"key\": [\"%s\"], \"shards\": {\"%s\": \"%d\"}}%n",
                                        PARTITION_SCHEMES.get(name), nodes, PARTITION_KEYS.get(name), file, part));
                            }
                        }
                    }
                }
            } finally {
                try (var files = Files.list(scratch)) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                }
                Files.deleteIfExists(scratch);
            }
        } catch (IOException | SQLException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot write TPC-H data: " + e.getMessage(), e);
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
        Path text = scratch.resolve(table.getTableName() + ".tbl");
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
