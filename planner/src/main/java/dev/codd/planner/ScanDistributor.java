package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.planner.catalog.Shard;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.rel.NodeScan;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalUnion;

/**
 * Replaces each scan of a logical table by the union of one {@link NodeScan} per node that reads
 * shards of it. Pushing work below that union is what pushes it to the data. Shards whose
 * statistics rule out the filters above the scan are not read, and a node left without shards is
 * not asked.
 */
final class ScanDistributor extends RelShuttleImpl {
    private final ShardAssignment assignment = new ShardAssignment();
    private final Map<TableScan, List<RexNode>> filters = new IdentityHashMap<>();
    private final Map<String, List<String>> pruned = new TreeMap<>();

    /** For each table, the CIDs of the shards its filters ruled out. */
    Map<String, List<String>> pruned() {
        return pruned;
    }

    @Override
    public RelNode visit(LogicalFilter filter) {
        collect(filter.getInput(), RelOptUtil.conjunctions(filter.getCondition()));
        return super.visit(filter);
    }

    /** Follows filters down through filters and column-only projections to the scan they filter. */
    private void collect(RelNode input, List<RexNode> conjuncts) {
        if (input instanceof TableScan scan) {
            filters.computeIfAbsent(scan, s -> new ArrayList<>()).addAll(conjuncts);
        } else if (input instanceof Filter filter) {
            List<RexNode> all = new ArrayList<>(conjuncts);
            all.addAll(RelOptUtil.conjunctions(filter.getCondition()));
            collect(filter.getInput(), all);
        } else if (input instanceof Project project
                && project.getProjects().stream().allMatch(expression -> expression instanceof RexInputRef)) {
            collect(project.getInput(), conjuncts.stream().map(c -> RelOptUtil.pushPastProject(c, project)).toList());
        }
    }

    @Override
    public RelNode visit(TableScan scan) {
        CoddSchema.LogicalTable logical = scan.getTable().unwrap(CoddSchema.LogicalTable.class);
        if (logical == null) {
            return scan;
        }
        ClusterTable table = logical.clusterTable();
        table.problem().ifPresent(problem -> {
            throw new CoddException(problem.code(), problem.message());
        });
        List<Shard> matching = ShardPruner.matching(table, filters.getOrDefault(scan, List.of()));
        if (matching.size() < table.shards().size()) {
            List<String> skipped = pruned.computeIfAbsent(table.name(), t -> new ArrayList<>());
            table.shards().stream().filter(shard -> !matching.contains(shard)).map(Shard::cid)
                    .filter(cid -> !skipped.contains(cid)).forEach(skipped::add);
        }
        if (matching.isEmpty()) {
            return LogicalValues.createEmpty(scan.getCluster(), scan.getRowType());
        }
        Map<String, List<String>> shardsByNode = assignment.assign(table, matching);
        List<RelNode> scans = shardsByNode.entrySet().stream()
                .<RelNode>map(entry -> NodeScan.create(scan.getCluster(), table, scan.getRowType(),
                        entry.getKey(), entry.getValue()))
                .toList();
        return scans.size() == 1 ? scans.get(0) : LogicalUnion.create(scans, true);
    }
}
