package dev.codd.planner.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * Splits standard deviations and variances (with SUM, COUNT, MIN and MAX beside them) over a union,
 * so that each node sends, per group, not its rows but its count, mean and population variance of
 * each argument. The requester merges them as Chan, Golub and LeVeque do: the squared deviations
 * within each node, plus each node's count times its mean's squared distance from the overall mean.
 * Unlike sums of squares, this loses no more precision than DuckDB does alone (Calcite 1.42 splits
 * none of these functions).
 */
public final class VarianceUnionSplitRule extends RelRule<RuleConfig> {
    public static final VarianceUnionSplitRule INSTANCE = new VarianceUnionSplitRule(RuleConfig.of(
            "VarianceUnionSplitRule",
            aggregate -> aggregate.operand(Aggregate.class).predicate(VarianceUnionSplitRule::splittable)
                    .oneInput(union -> union.operand(Union.class).predicate(u -> u.all).anyInputs()),
            VarianceUnionSplitRule::new));

    private static final Set<SqlKind> VARIANCES = Set.of(SqlKind.STDDEV_POP, SqlKind.STDDEV_SAMP, SqlKind.VAR_POP,
            SqlKind.VAR_SAMP);
    private static final Set<SqlKind> MERGED_ALIKE = Set.of(SqlKind.SUM, SqlKind.SUM0, SqlKind.MIN, SqlKind.MAX);

    private VarianceUnionSplitRule(RuleConfig config) {
        super(config);
    }

    /**
     * A plain GROUP BY with a variance, and only calls this rule splits: no DISTINCT, WITHIN
     * DISTINCT, FILTER or ordering.
     */
    private static boolean splittable(Aggregate aggregate) {
        List<AggregateCall> calls = aggregate.getAggCallList();
        return aggregate.getGroupType() == Aggregate.Group.SIMPLE
                && calls.stream().anyMatch(call -> VARIANCES.contains(call.getAggregation().getKind()))
                && calls.stream().allMatch(call -> !call.isDistinct() && call.distinctKeys == null && !call.hasFilter()
                        && call.rexList.isEmpty() && call.collation.getFieldCollations().isEmpty()
                        && (VARIANCES.contains(call.getAggregation().getKind())
                                || MERGED_ALIKE.contains(call.getAggregation().getKind())
                                ? call.getArgList().size() == 1
                                : call.getAggregation().getKind() == SqlKind.COUNT && call.getArgList().size() <= 1));
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Aggregate aggregate = call.rel(0);
        Union union = call.rel(1);
        RelBuilder builder = call.builder();
        List<AggregateCall> calls = aggregate.getAggCallList();
        int keys = aggregate.getGroupCount();
        for (RelNode input : union.getInputs()) {
            builder.push(input);
            builder.aggregate(builder.groupKey(aggregate.getGroupSet()), partials(builder, calls));
        }
        builder.union(true, union.getInputs().size());
        shiftMeans(builder, calls, keys);
        squaredDeviations(builder, calls, keys);
        merge(builder, calls, keys);
        results(builder, calls, keys, aggregate.getRowType().getFieldNames());
        call.transformTo(builder.build());
    }

    /** What each input sends: a column per call, three (count, mean, population variance) per variance. */
    private static List<RelBuilder.AggCall> partials(RelBuilder builder, List<AggregateCall> calls) {
        List<RelBuilder.AggCall> partials = new ArrayList<>();
        for (AggregateCall aggregateCall : calls) {
            List<RexNode> argument = aggregateCall.getArgList().stream().map(builder::field).map(RexNode.class::cast)
                    .toList();
            SqlKind kind = aggregateCall.getAggregation().getKind();
            if (VARIANCES.contains(kind)) {
                partials.add(builder.count(false, null, argument));
                partials.add(builder.avg(false, null, argument.get(0)));
                partials.add(builder.aggregateCall(SqlStdOperatorTable.VAR_POP, argument));
            } else if (kind == SqlKind.COUNT) {
                partials.add(builder.count(false, null, argument));
            } else {
                partials.add(builder.aggregateCall(aggregateCall.getAggregation(), argument));
            }
        }
        return partials;
    }

    /**
     * Each variance's means as distances from the group's least: equal means are then exactly 0
     * apart, as DuckDB gives equal values a variance of exactly 0, where the overall mean's
     * rounding would not.
     */
    private static void shiftMeans(RelBuilder builder, List<AggregateCall> calls, int keys) {
        List<RexNode> partition = builder.fields().subList(0, keys);
        List<RexNode> shifted = new ArrayList<>(builder.fields());
        int column = keys;
        for (AggregateCall aggregateCall : calls) {
            if (VARIANCES.contains(aggregateCall.getAggregation().getKind())) {
                RexNode mean = builder.field(column + 1);
                shifted.set(column + 1, builder.call(SqlStdOperatorTable.MINUS, mean,
                        builder.aggregateCall(SqlStdOperatorTable.MIN, mean).over().partitionBy(partition).toRex()));
                column += 3;
            } else {
                column++;
            }
        }
        builder.project(shifted, builder.peek().getRowType().getFieldNames(), true);
    }

    /**
     * Per variance, its count and each input's share of the squared deviations from the overall mean:
     * its own, plus its count times its mean's squared distance from the overall mean.
     */
    private static void squaredDeviations(RelBuilder builder, List<AggregateCall> calls, int keys) {
        List<RexNode> partition = builder.fields().subList(0, keys);
        List<RexNode> merging = new ArrayList<>(partition);
        int column = keys;
        for (AggregateCall aggregateCall : calls) {
            if (!VARIANCES.contains(aggregateCall.getAggregation().getKind())) {
                merging.add(builder.field(column++));
                continue;
            }
            RexNode count = builder.field(column);
            RexNode mean = builder.field(column + 1);
            RexNode variance = builder.field(column + 2);
            column += 3;
            RexNode overallMean = builder.call(SqlStdOperatorTable.DIVIDE,
                    builder.aggregateCall(SqlStdOperatorTable.SUM, builder.call(SqlStdOperatorTable.MULTIPLY, count, mean))
                            .over().partitionBy(partition).toRex(),
                    builder.aggregateCall(SqlStdOperatorTable.SUM, count).over().partitionBy(partition).toRex());
            RexNode distance = builder.call(SqlStdOperatorTable.MINUS, mean, overallMean);
            merging.add(count);
            merging.add(builder.call(SqlStdOperatorTable.PLUS,
                    builder.call(SqlStdOperatorTable.MULTIPLY, variance, count),
                    builder.call(SqlStdOperatorTable.MULTIPLY, count,
                            builder.call(SqlStdOperatorTable.POWER, distance, builder.literal(2)))));
        }
        builder.project(merging);
    }

    /** Counts summed, the others merged as themselves, each variance's count and squared deviations summed. */
    private static void merge(RelBuilder builder, List<AggregateCall> calls, int keys) {
        List<RelBuilder.AggCall> merged = new ArrayList<>();
        int column = keys;
        for (AggregateCall aggregateCall : calls) {
            SqlKind kind = aggregateCall.getAggregation().getKind();
            if (VARIANCES.contains(kind)) {
                merged.add(builder.aggregateCall(SqlStdOperatorTable.SUM0, builder.field(column)));
                merged.add(builder.sum(builder.field(column + 1)));
                column += 2;
            } else {
                merged.add(builder.aggregateCall(kind == SqlKind.COUNT ? SqlStdOperatorTable.SUM0
                        : aggregateCall.getAggregation(), builder.field(column++)));
            }
        }
        builder.aggregate(builder.groupKey(builder.fields().subList(0, keys)), merged);
    }

    /** Each call's result, of the call's type and name. */
    private static void results(RelBuilder builder, List<AggregateCall> calls, int keys, List<String> names) {
        List<RexNode> results = new ArrayList<>(builder.fields().subList(0, keys));
        int column = keys;
        for (AggregateCall aggregateCall : calls) {
            SqlKind kind = aggregateCall.getAggregation().getKind();
            RexNode result;
            if (VARIANCES.contains(kind)) {
                result = variance(builder, kind, builder.field(column), builder.field(column + 1));
                column += 2;
            } else {
                result = builder.field(column++);
            }
            results.add(as(builder.getRexBuilder(), result, aggregateCall.getType()));
        }
        builder.project(results, names, true);
    }

    /**
     * The variance or standard deviation {@code kind} of {@code count} values whose squared
     * deviations sum to {@code squares}.
     */
    private static RexNode variance(RelBuilder builder, SqlKind kind, RexNode count, RexNode squares) {
        boolean sample = kind == SqlKind.VAR_SAMP || kind == SqlKind.STDDEV_SAMP;
        RexNode divisor = sample ? builder.call(SqlStdOperatorTable.MINUS, count, builder.literal(1)) : count;
        RexNode variance = builder.call(SqlStdOperatorTable.CASE,
                builder.call(SqlStdOperatorTable.GREATER_THAN, count, builder.literal(sample ? 1 : 0)),
                builder.call(SqlStdOperatorTable.DIVIDE, squares, divisor),
                builder.getRexBuilder().makeNullLiteral(squares.getType()));
        return kind == SqlKind.STDDEV_POP || kind == SqlKind.STDDEV_SAMP
                ? builder.call(SqlStdOperatorTable.SQRT, variance)
                : variance;
    }

    /** {@code node} as {@code type}: the merged value keeps the type of the call it stands for. */
    private static RexNode as(RexBuilder rex, RexNode node, RelDataType type) {
        return node.getType().equals(type) ? node : rex.makeCast(type, node, false, false);
    }
}
