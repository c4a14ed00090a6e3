package dev.codd.planner;

import dev.codd.planner.catalog.Shard;
import dev.codd.planner.rel.NodeScan;
import dev.codd.planner.rules.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalUnion;

/**
 * Joins a table split over nodes with tables every one of those nodes holds whole:
 * {@code Join(Union(A@n), S)} becomes {@code Union(Join(A@n, S@n))}, each node reading its own
 * replica of S. Correct for the join types that keep each row of the split side at most once per
 * node: inner, left, semi and anti joins with the split side on the left; inner and right joins
 * with it on the right.
 */
final class JoinUnionBroadcastRule extends RelRule<RuleConfig> {
    static final JoinUnionBroadcastRule LEFT_SPLIT = new JoinUnionBroadcastRule(RuleConfig.of("JoinUnionBroadcastRule:left",
            join -> join.operand(Join.class).predicate(SubQueries::plain).inputs(
                    left -> left.operand(Union.class).anyInputs(),
                    right -> right.operand(RelNode.class).anyInputs()),
            config -> new JoinUnionBroadcastRule(config, true)), true);
    static final JoinUnionBroadcastRule RIGHT_SPLIT = new JoinUnionBroadcastRule(RuleConfig.of("JoinUnionBroadcastRule:right",
            join -> join.operand(Join.class).predicate(SubQueries::plain).inputs(
                    left -> left.operand(RelNode.class).anyInputs(),
                    right -> right.operand(Union.class).anyInputs()),
            config -> new JoinUnionBroadcastRule(config, false)), false);

    /** Whether the split table is the join's left input. */
    private final boolean splitLeft;

    private JoinUnionBroadcastRule(RuleConfig config, boolean splitLeft) {
        super(config);
        this.splitLeft = splitLeft;
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Join join = call.rel(0);
        Union split = call.rel(splitLeft ? 1 : 2);
        RelNode whole = NodeScans.stripped(call.rel(splitLeft ? 2 : 1));
        JoinRelType type = join.getJoinType();
        boolean typeKeepsRows = splitLeft
                ? type == JoinRelType.INNER || type == JoinRelType.LEFT || type == JoinRelType.SEMI || type == JoinRelType.ANTI
                : type == JoinRelType.INNER || type == JoinRelType.RIGHT;
        Optional<Locality> wholeLocality = Locality.of(whole);
        List<NodeScan> wholeScans = NodeScans.in(whole);
        if (!split.all || !typeKeepsRows || wholeLocality.isEmpty() || !wholeLocality.get().onNode()
                || wholeScans.stream().anyMatch(scan -> !scan.wholeTable())) {
            return;
        }
        List<RelNode> joins = new ArrayList<>();
        for (RelNode branch : split.getInputs()) {
            Optional<Locality> locality = Locality.of(NodeScans.stripped(branch));
            if (locality.isEmpty() || !locality.get().onNode()) {
                return;
            }
            String node = locality.get().node().orElseThrow();
            if (!wholeScans.stream().allMatch(scan -> heldWhole(scan, node))) {
                return;
            }
            RelNode copy = NodeScans.onNode(whole, node);
            joins.add(join.copy(join.getTraitSet(), join.getCondition(), splitLeft ? branch : copy,
                    splitLeft ? copy : branch, type, join.isSemiJoinDone()));
        }
        call.transformTo(LogicalUnion.create(joins, true));
    }

    private static boolean heldWhole(NodeScan scan, String node) {
        return scan.clusterTable().shards().stream().map(Shard::nodes).allMatch(nodes -> nodes.contains(node));
    }
}
