package dev.codd.planner;

import dev.codd.planner.rel.DockerMap;
import dev.codd.planner.rules.RuleConfig;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalUnion;

/**
 * {@code DockerMap(Union(A@n))} becomes {@code Union(DockerMap(A@n))}: a container maps rows one
 * by one, so each node passes its own rows through its own container.
 */
final class DockerMapUnionTransposeRule extends RelRule<RuleConfig> {
    static final DockerMapUnionTransposeRule INSTANCE = new DockerMapUnionTransposeRule(RuleConfig.of(
            "DockerMapUnionTransposeRule",
            map -> map.operand(DockerMap.class).oneInput(union -> union.operand(Union.class).anyInputs()),
            DockerMapUnionTransposeRule::new));

    private DockerMapUnionTransposeRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        DockerMap map = call.rel(0);
        Union union = call.rel(1);
        if (!union.all) {
            return;
        }
        call.transformTo(LogicalUnion.create(union.getInputs().stream()
                .<RelNode>map(input -> map.copy(map.getTraitSet(), java.util.List.of(input)))
                .toList(), true));
    }
}
