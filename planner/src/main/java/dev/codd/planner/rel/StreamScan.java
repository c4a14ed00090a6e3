package dev.codd.planner.rel;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Rows that arrive as a stream, read as a table of the stream's name: in the requester's root plan
 * the gathered rows of one exchange, in a node's fragment what a container writes.
 */
public final class StreamScan extends TableScan {
    private StreamScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table) {
        super(cluster, traits, List.of(), table);
    }

    public static StreamScan create(RelOptCluster cluster, String name, RelDataType rowType) {
        return new StreamScan(cluster, cluster.traitSet(), RelOptTableImpl.create(null, rowType, List.of(name), null));
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new StreamScan(getCluster(), traitSet, table);
    }
}
