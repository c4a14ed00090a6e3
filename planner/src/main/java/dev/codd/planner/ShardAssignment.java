package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Shard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses, for one query, the node that reads each shard: one replica per shard, spreading the rows
 * of the query over the nodes so that no node reads more than it must (largest shards first, each
 * to the replica with the fewest rows so far). Shards of one partition (of tables partitioned
 * alike) are read on one node where it can, so that joins on the partition key can run there.
 */
final class ShardAssignment {
    private final Map<String, Long> rowsPerNode = new HashMap<>();
    private final Map<String, String> nodePerPartition = new HashMap<>();

    /** For each node that reads some of {@code shards} of {@code table}, the CIDs it reads, in CID order. */
    Map<String, List<String>> assign(ClusterTable table, List<Shard> toRead) {
        Map<String, List<String>> byNode = new TreeMap<>();
        List<Shard> shards = new ArrayList<>(toRead);
        shards.sort(Comparator.comparingLong(Shard::rowCount).reversed().thenComparing(Shard::cid));
        for (Shard shard : shards) {
            if (shard.nodes().isEmpty()) {
                throw new CoddException(ErrorCode.NO_LIVE_REPLICA,
                        "No live node holds shard " + shard.cid() + " of table " + table.name());
            }
            String partition = shard.partition().map(p -> p.scheme() + "/" + p.id()).orElse(null);
            String chosen = partition == null ? null : nodePerPartition.get(partition);
            String node = chosen != null && shard.nodes().contains(chosen) ? chosen : shard.nodes().stream()
                    .min(Comparator.<String>comparingLong(n -> rowsPerNode.getOrDefault(n, 0L))
                            .thenComparing(Comparator.naturalOrder()))
                    .orElseThrow();
            if (partition != null) {
                nodePerPartition.putIfAbsent(partition, node);
            }
            rowsPerNode.merge(node, shard.rowCount() + 1, Long::sum); // + 1: empty shards spread too
            byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(shard.cid());
        }
        byNode.values().forEach(cids -> cids.sort(Comparator.naturalOrder()));
        return byNode;
    }
}
