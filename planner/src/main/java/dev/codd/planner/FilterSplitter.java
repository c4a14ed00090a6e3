package dev.codd.planner;

import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;

/**
 * Splits a filter into the conditions that rules may push towards the data and, above them, those
 * that hold a sub-query or read a correlation variable, which stay where the query put them; and
 * pulls the factors common to the branches of an OR out of it, so that they too can be pushed.
 */
final class FilterSplitter extends RelShuttleImpl {
    @Override
    public RelNode visit(LogicalFilter filter) {
        LogicalFilter visited = (LogicalFilter) super.visit(filter);
        RexBuilder rexBuilder = visited.getCluster().getRexBuilder();
        // (a AND b) OR (a AND c) is a AND (b OR c): a, if it reads one table, can then filter that table
        RexNode condition = RexUtil.pullFactors(rexBuilder, visited.getCondition());
        List<RexNode> plain = new ArrayList<>();
        List<RexNode> held = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            boolean movable = RexUtil.SubQueryFinder.find(conjunct) == null && !RexUtil.containsCorrelation(conjunct);
            (movable ? plain : held).add(conjunct);
        }
        if (held.isEmpty()) {
            return condition.equals(visited.getCondition()) ? visited
                    : LogicalFilter.create(visited.getInput(), condition, ImmutableSet.copyOf(visited.getVariablesSet()));
        }
        if (plain.isEmpty()) {
            return visited;
        }
        RelNode lower = LogicalFilter.create(visited.getInput(), RexUtil.composeConjunction(rexBuilder, plain));
        return LogicalFilter.create(lower, RexUtil.composeConjunction(rexBuilder, held),
                ImmutableSet.copyOf(visited.getVariablesSet()));
    }
}
