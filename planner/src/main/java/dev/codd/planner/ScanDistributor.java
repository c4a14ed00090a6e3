package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.rel.NodeScan;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalUnion;

/**
 * Replaces each scan of a logical table by the union of one {@link NodeScan} per node that reads
 * shards of it. Pushing work below that union is what pushes it to the data.
 */
final class ScanDistributor extends RelShuttleImpl {
    private final ShardAssignment assignment = new ShardAssignment();

    @Override
    public RelNode visit(TableScan scan) {
        CoddSchema.LogicalTable logical = scan.getTable().unwrap(CoddSchema.LogicalTable.class);
        if (logical == null) {
            return scan;
        }
        ClusterTable table = logical.clusterTable();
        table.conflict().ifPresent(conflict -> {
            throw new CoddException(ErrorCode.SCHEMA_CONFLICT, conflict);
        });
        Map<String, List<String>> shardsByNode = assignment.assign(table);
        if (shardsByNode.isEmpty()) {
            throw new CoddException(ErrorCode.NO_LIVE_REPLICA, "Table " + table.name() + " has no shards");
        }
        List<RelNode> scans = shardsByNode.entrySet().stream()
                .<RelNode>map(entry -> NodeScan.create(scan.getCluster(), table.name(), scan.getRowType(),
                        entry.getKey(), entry.getValue()))
                .toList();
        return scans.size() == 1 ? scans.get(0) : LogicalUnion.create(scans, true);
    }
}
