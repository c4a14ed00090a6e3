package dev.codd.planner;

import dev.codd.planner.catalog.ClusterCatalog;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.Partition;
import dev.codd.planner.catalog.Shard;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** TPC-H's schema laid over three nodes as the demo lays it: big tables split, small ones replicated. */
final class TpchCatalogs {
    static final List<String> NODES = List.of("n1", "n2", "n3");
    /** The demo's co-located splits: lineitem with orders, partsupp with part. */
    private static final Map<String, String> PARTITION_KEYS = Map.of("lineitem", "l_orderkey", "orders", "o_orderkey",
            "part", "p_partkey", "partsupp", "ps_partkey");

    private TpchCatalogs() {}

    static ClusterCatalog threeNodes() {
        Map<String, ClusterTable> tables = new LinkedHashMap<>();
        for (TpchTable<?> table : TpchTable.getTables()) {
            String name = table.getTableName();
            List<Shard> shards = new ArrayList<>();
            if (name.equals("nation") || name.equals("region")) {
                shards.add(new Shard("bafkrei" + name, 25, NODES));
            } else {
                for (int i = 0; i < NODES.size(); i++) {
                    Optional<Partition> partition = Optional.ofNullable(PARTITION_KEYS.get(name))
                            .map(key -> new Partition(key.startsWith("l_") || key.startsWith("o_") ? "orderkey-3"
                                    : "partkey-3", List.of(key), "p" + NODES.size()));
                    shards.add(new Shard("bafkrei" + name + i, 1000, List.of(NODES.get(i)), partition.map(
                            p -> new Partition(p.scheme(), p.keys(), Integer.toString(shards.size() + 1))), Map.of()));
                }
            }
            tables.put(name, new ClusterTable(name, columns(table), shards));
        }
        return new ClusterCatalog(tables);
    }

    static String query(int number) {
        try (var in = TpchTable.class.getResourceAsStream("/io/trino/tpch/queries/q" + number + ".sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Column> columns(TpchTable<?> table) {
        List<Column> columns = new ArrayList<>();
        for (TpchColumn<?> column : table.getColumns()) {
            String type = switch (column.getType().getBase()) {
                case IDENTIFIER -> "BIGINT";
                case INTEGER -> "INTEGER";
                case DATE -> "DATE";
                case DOUBLE -> "DECIMAL(15,2)";
                case VARCHAR -> "VARCHAR";
            };
            columns.add(new Column(column.getColumnName(), type));
        }
        return columns;
    }
}
