package dev.codd.planner;

import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Partition;
import dev.codd.planner.catalog.Shard;
import dev.codd.planner.rel.NodeScan;
import dev.codd.planner.rules.RuleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Joins two tables partitioned alike, on their partition keys, partition by partition where the
 * partitions lie: {@code Join(Union(A@n), Union(B@n))} becomes {@code Union(Join(A@n, B@n))} when
 * every node reads the same partitions of A and B. Any join type is correct then: rows with equal
 * keys are on the same node.
 */
final class JoinUnionCoPartitionRule extends RelRule<RuleConfig> {
    static final JoinUnionCoPartitionRule INSTANCE = new JoinUnionCoPartitionRule(RuleConfig.of("JoinUnionCoPartitionRule",
            join -> join.operand(Join.class).predicate(SubQueries::plain).inputs(
                    left -> left.operand(Union.class).anyInputs(),
                    right -> right.operand(Union.class).anyInputs()),
            JoinUnionCoPartitionRule::new));

    private JoinUnionCoPartitionRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Join join = call.rel(0);
        Union left = call.rel(1);
        Union right = call.rel(2);
        Optional<Partitioned> leftSide = Partitioned.of(left);
        Optional<Partitioned> rightSide = Partitioned.of(right);
        if (leftSide.isEmpty() || rightSide.isEmpty()) {
            return;
        }
        Partition a = leftSide.get().partitioning();
        Partition b = rightSide.get().partitioning();
        if (!a.scheme().equals(b.scheme()) || a.keys().size() != b.keys().size()
                || !leftSide.get().partitionsByNode().equals(rightSide.get().partitionsByNode())
                || !joinedOnKeys(join, call.getMetadataQuery(), leftSide.get(), rightSide.get())) {
            return;
        }
        List<RelNode> joins = new ArrayList<>();
        for (String node : leftSide.get().branches().keySet()) {
            joins.add(join.copy(join.getTraitSet(), join.getCondition(), leftSide.get().branches().get(node),
                    rightSide.get().branches().get(node), join.getJoinType(), join.isSemiJoinDone()));
        }
        call.transformTo(LogicalUnion.create(joins, true));
    }

    /** Whether the join equates each partition key of the left table with the same-position key of the right. */
    private static boolean joinedOnKeys(Join join, RelMetadataQuery mq, Partitioned left, Partitioned right) {
        JoinInfo info = join.analyzeCondition();
        for (int p = 0; p < left.partitioning().keys().size(); p++) {
            boolean found = false;
            for (int k = 0; k < info.leftKeys.size() && !found; k++) {
                found = left.isKey(mq, NodeScans.stripped(join.getLeft()), info.leftKeys.get(k), p)
                        && right.isKey(mq, NodeScans.stripped(join.getRight()), info.rightKeys.get(k), p);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /**
     * A union whose branches each read one partitioned table on their own node; the partitions
     * each node reads.
     */
    private record Partitioned(ClusterTable table, Partition partitioning, Map<String, RelNode> branches,
            Map<String, Set<String>> partitionsByNode) {
        static Optional<Partitioned> of(Union union) {
            if (!union.all) {
                return Optional.empty();
            }
            ClusterTable table = null;
            Map<String, RelNode> branches = new LinkedHashMap<>();
            Map<String, Set<String>> partitions = new LinkedHashMap<>();
            for (RelNode branch : union.getInputs()) {
                RelNode plain = NodeScans.stripped(branch);
                Optional<Locality> locality = Locality.of(plain);
                List<NodeScan> scans = NodeScans.in(plain);
                if (locality.isEmpty() || !locality.get().onNode() || scans.size() != 1) {
                    return Optional.empty();
                }
                NodeScan scan = scans.get(0);
                if (table != null && !table.name().equals(scan.clusterTable().name())) {
                    return Optional.empty();
                }
                table = scan.clusterTable();
                if (branches.put(scan.node(), branch) != null) {
                    return Optional.empty(); // two branches on one node: not one partition set per node
                }
                Set<String> ids = new TreeSet<>();
                for (Shard shard : table.shards()) {
                    if (scan.cids().contains(shard.cid())) {
                        ids.add(shard.partition().map(Partition::id).orElse(""));
                    }
                }
                partitions.put(scan.node(), ids);
            }
            if (table == null || table.partitioning().isEmpty() || overlapping(partitions)) {
                return Optional.empty();
            }
            return Optional.of(new Partitioned(table, table.partitioning().get(), branches, partitions));
        }

        private static boolean overlapping(Map<String, Set<String>> partitionsByNode) {
            Set<String> seen = new HashSet<>();
            return partitionsByNode.values().stream().flatMap(Set::stream).anyMatch(id -> !seen.add(id));
        }

        /** Whether field {@code field} of {@code side} is, unchanged, the table's partition key number {@code position}. */
        boolean isKey(RelMetadataQuery mq, RelNode side, int field, int position) {
            Set<RelColumnOrigin> origins = mq.getColumnOrigins(side, field);
            if (origins == null || origins.isEmpty()) {
                return false;
            }
            String key = partitioning.keys().get(position);
            for (RelColumnOrigin origin : origins) {
                List<String> name = origin.getOriginTable().getQualifiedName();
                String column = origin.getOriginTable().getRowType().getFieldNames().get(origin.getOriginColumnOrdinal());
                if (origin.isDerived() || !name.get(name.size() - 1).equals(table.name())
                        || !column.equalsIgnoreCase(key)) {
                    return false;
                }
            }
            return true;
        }
    }
}
