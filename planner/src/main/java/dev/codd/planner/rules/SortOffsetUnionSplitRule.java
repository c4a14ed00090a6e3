package dev.codd.planner.rules;

import java.math.BigDecimal;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Splits {@code ORDER BY … LIMIT f OFFSET o} over a union into the same sort with {@code LIMIT
 * o + f} below it and the offset above, so that each node can send only its first o + f rows
 * (Calcite 1.42 pushes no sort that has an offset).
 */
public final class SortOffsetUnionSplitRule extends RelRule<RuleConfig> {
    public static final SortOffsetUnionSplitRule INSTANCE = new SortOffsetUnionSplitRule(RuleConfig.of(
            "SortOffsetUnionSplitRule",
            sort -> sort.operand(Sort.class)
                    .predicate(s -> s.offset != null && s.fetch != null && RexUtil.isDeterministic(s.offset))
                    .oneInput(union -> union.operand(Union.class).predicate(u -> u.all).anyInputs()),
            SortOffsetUnionSplitRule::new));

    private SortOffsetUnionSplitRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Sort sort = call.rel(0);
        Union union = call.rel(1);
        RexNode both = offsetPlusFetch(sort.getCluster().getRexBuilder(), sort.offset, sort.fetch);
        Sort firstRows = sort.copy(sort.getTraitSet(), union, sort.getCollation(), null, both);
        call.transformTo(sort.copy(sort.getTraitSet(), firstRows, sort.getCollation(), sort.offset, sort.fetch));
    }

    private static RexNode offsetPlusFetch(RexBuilder rexBuilder, RexNode offset, RexNode fetch) {
        if (offset instanceof RexLiteral o && fetch instanceof RexLiteral f) {
            BigDecimal sum = o.getValueAs(BigDecimal.class).add(f.getValueAs(BigDecimal.class));
            return rexBuilder.makeExactLiteral(sum, fetch.getType());
        }
        return rexBuilder.makeCall(SqlStdOperatorTable.PLUS, offset, fetch);
    }
}
