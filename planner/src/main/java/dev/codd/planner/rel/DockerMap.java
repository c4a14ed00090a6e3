package dev.codd.planner.rel;

import static java.util.Objects.requireNonNull;

import dev.codd.common.ContainerCall;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.type.RelDataType;

/**
 * docker_map: each row of the input goes through a container, whose output rows are this
 * relation's. It maps rows independently, so it runs on every node over that node's part of the
 * input, and its output is the union of theirs.
 */
public final class DockerMap extends SingleRel {
    private final ContainerCall call;

    public DockerMap(RelOptCluster cluster, RelTraitSet traits, RelNode input, ContainerCall call, RelDataType rowType) {
        super(cluster, traits, input);
        this.call = requireNonNull(call, "call is null");
        this.rowType = requireNonNull(rowType, "rowType is null");
    }

    public ContainerCall call() {
        return call;
    }

    @Override
    protected RelDataType deriveRowType() {
        return rowType;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new DockerMap(getCluster(), traitSet, sole(inputs), call, rowType);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        // everything that tells two calls apart: Calcite takes subtrees with equal terms for one
        return super.explainTerms(pw).item("image", call.image()).item("command", call.command())
                .item("format", call.format()).item("output", call.output()).item("env", call.env());
    }
}
