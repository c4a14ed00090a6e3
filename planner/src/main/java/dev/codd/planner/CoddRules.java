package dev.codd.planner;

import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.AggregateProjectMergeRule;
import org.apache.calcite.rel.rules.AggregateUnionTransposeRule;
import org.apache.calcite.rel.rules.FilterAggregateTransposeRule;
import org.apache.calcite.rel.rules.FilterJoinRule;
import org.apache.calcite.rel.rules.FilterMergeRule;
import org.apache.calcite.rel.rules.FilterMultiJoinMergeRule;
import org.apache.calcite.rel.rules.FilterProjectTransposeRule;
import org.apache.calcite.rel.rules.FilterSetOpTransposeRule;
import org.apache.calcite.rel.rules.JoinPushTransitivePredicatesRule;
import org.apache.calcite.rel.rules.JoinToMultiJoinRule;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rel.rules.ProjectMergeRule;
import org.apache.calcite.rel.rules.ProjectSetOpTransposeRule;

/**
 * Calcite's rules as Codd uses them. They leave alone expressions that hold sub-queries (those go
 * to DuckDB as written), and expressions that read correlation variables do not cross a union of
 * node scans (they must stay with the query that defines the variable).
 */
final class CoddRules {
    private CoddRules() {}

    static final RelOptRule FILTER_INTO_JOIN = FilterJoinRule.FilterIntoJoinRule.FilterIntoJoinRuleConfig.DEFAULT
            .withOperandSupplier(filter -> filter.operand(Filter.class).predicate(CoddRules::noSubQuery)
                    .oneInput(join -> join.operand(Join.class).predicate(CoddRules::noSubQuery).anyInputs()))
            .as(FilterJoinRule.FilterIntoJoinRule.FilterIntoJoinRuleConfig.class)
            .toRule();

    /** {@code o_orderkey < 10 AND l_orderkey = o_orderkey} filters both sides, so both can be pruned. */
    static final RelOptRule JOIN_PUSH_TRANSITIVE_PREDICATES = JoinPushTransitivePredicatesRule.Config.DEFAULT
            .withOperandSupplier(join -> join.operand(Join.class).predicate(CoddRules::noSubQuery).anyInputs())
            .as(JoinPushTransitivePredicatesRule.Config.class)
            .toRule();

    static final RelOptRule JOIN_CONDITION_PUSH = FilterJoinRule.JoinConditionPushRule.JoinConditionPushRuleConfig.DEFAULT
            .withOperandSupplier(join -> join.operand(Join.class).predicate(CoddRules::noSubQuery).anyInputs())
            .as(FilterJoinRule.JoinConditionPushRule.JoinConditionPushRuleConfig.class)
            .toRule();

    static final RelOptRule FILTER_AGGREGATE_TRANSPOSE = FilterAggregateTransposeRule.Config.DEFAULT
            .withOperandSupplier(filter -> filter.operand(Filter.class).predicate(CoddRules::noSubQuery)
                    .oneInput(aggregate -> aggregate.operand(Aggregate.class).anyInputs()))
            .as(FilterAggregateTransposeRule.Config.class)
            .toRule();

    static final RelOptRule FILTER_PROJECT_TRANSPOSE = FilterProjectTransposeRule.Config.DEFAULT
            .withOperandFor(Filter.class, SubQueries::plain, Project.class, CoddRules::noSubQuery)
            .toRule();

    static final RelOptRule FILTER_MERGE = FilterMergeRule.Config.DEFAULT
            .withOperandSupplier(top -> top.operand(Filter.class).predicate(CoddRules::noSubQuery)
                    .oneInput(bottom -> bottom.operand(Filter.class).predicate(CoddRules::noSubQuery).anyInputs()))
            .as(FilterMergeRule.Config.class)
            .toRule();

    static final RelOptRule PROJECT_MERGE = ProjectMergeRule.Config.DEFAULT
            .withOperandSupplier(top -> top.operand(Project.class).predicate(CoddRules::noSubQuery)
                    .oneInput(bottom -> bottom.operand(Project.class).predicate(CoddRules::noSubQuery).anyInputs()))
            .as(ProjectMergeRule.Config.class)
            .toRule();

    static final RelOptRule AGGREGATE_PROJECT_MERGE = AggregateProjectMergeRule.Config.DEFAULT
            .withOperandSupplier(aggregate -> aggregate.operand(Aggregate.class)
                    .oneInput(project -> project.operand(Project.class).predicate(CoddRules::noSubQuery).anyInputs()))
            .as(AggregateProjectMergeRule.Config.class)
            .toRule();

    static final RelOptRule FILTER_SET_OP_TRANSPOSE = FilterSetOpTransposeRule.Config.DEFAULT
            .withOperandSupplier(filter -> filter.operand(Filter.class).predicate(SubQueries::plain)
                    .oneInput(setOp -> setOp.operand(SetOp.class).anyInputs()))
            .as(FilterSetOpTransposeRule.Config.class)
            .toRule();

    /** Window functions see every row: a project with OVER stays above the union (Calcite would push a CASE around one). */
    static final RelOptRule PROJECT_SET_OP_TRANSPOSE = ProjectSetOpTransposeRule.Config.DEFAULT
            .withOperandSupplier(project -> project.operand(LogicalProject.class)
                    .predicate(p -> SubQueries.plain(p) && !p.containsOver())
                    .oneInput(setOp -> setOp.operand(SetOp.class).anyInputs()))
            .as(ProjectSetOpTransposeRule.Config.class)
            .toRule();

    /**
     * Splits aggregates over the union of node scans, except aggregates with FILTER under grouping
     * sets: Calcite 1.42 drops the FILTER of the partial aggregate there (CALCITE-7645).
     */
    static final RelOptRule AGGREGATE_UNION_TRANSPOSE = AggregateUnionTransposeRule.Config.DEFAULT
            .withOperandSupplier(aggregate -> aggregate.operand(Aggregate.class)
                    .predicate(a -> a.getGroupType() == Aggregate.Group.SIMPLE
                            || a.getAggCallList().stream().allMatch(call -> call.filterArg < 0))
                    .oneInput(union -> union.operand(Union.class).anyInputs()))
            .as(AggregateUnionTransposeRule.Config.class)
            .toRule();

    /** Blocks of inner joins become multi-joins, to be rebuilt in the order that joins co-partitioned tables first. */
    static final RelOptRule JOIN_TO_MULTI_JOIN = JoinToMultiJoinRule.Config.DEFAULT
            .withOperandSupplier(join -> join.operand(LogicalJoin.class)
                    .predicate(j -> j.getJoinType() == JoinRelType.INNER && SubQueries.plain(j))
                    .inputs(left -> left.operand(RelNode.class).anyInputs(),
                            right -> right.operand(RelNode.class).anyInputs()))
            .as(JoinToMultiJoinRule.Config.class)
            .toRule();

    static final RelOptRule FILTER_MULTI_JOIN_MERGE = FilterMultiJoinMergeRule.Config.DEFAULT
            .withOperandSupplier(filter -> filter.operand(Filter.class).predicate(SubQueries::plain)
                    .oneInput(multiJoin -> multiJoin.operand(MultiJoin.class).anyInputs()))
            .as(FilterMultiJoinMergeRule.Config.class)
            .toRule();

    private static boolean noSubQuery(RelNode rel) {
        return !SubQueries.in(rel);
    }
}
