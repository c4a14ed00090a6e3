package dev.codd.planner.rules;

import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Turns the SUM0 that splitting a COUNT leaves in the final aggregate into {@link
 * SumOfCountsAggFunction}, so the merged count keeps COUNT's BIGINT type.
 */
public final class SumOfCountsShuttle extends RelShuttleImpl {
    @Override
    public RelNode visit(LogicalAggregate aggregate) {
        LogicalAggregate visited = (LogicalAggregate) super.visit(aggregate);
        List<AggregateCall> calls = visited.getAggCallList().stream()
                .map(call -> isSumOfCounts(visited, call) ? toSumOfCounts(call) : call)
                .toList();
        return calls.equals(visited.getAggCallList())
                ? visited
                : visited.copy(visited.getTraitSet(), visited.getInput(), visited.getGroupSet(),
                        visited.getGroupSets(), calls);
    }

    private static boolean isSumOfCounts(LogicalAggregate aggregate, AggregateCall call) {
        return call.getAggregation().getKind() == SqlKind.SUM0
                && call.getArgList().size() == 1
                && aggregate.getInput().getRowType().getFieldList().get(call.getArgList().get(0)).getType()
                        .getSqlTypeName() == SqlTypeName.BIGINT;
    }

    private static AggregateCall toSumOfCounts(AggregateCall call) {
        return AggregateCall.create(call.getParserPosition(), SumOfCountsAggFunction.INSTANCE, false, false, false,
                call.rexList, call.getArgList(), call.filterArg, call.distinctKeys, call.collation, call.getType(),
                call.getName());
    }
}
