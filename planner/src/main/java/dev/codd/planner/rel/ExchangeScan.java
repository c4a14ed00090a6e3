package dev.codd.planner.rel;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;

/** In the requester's root plan, the gathered rows of one exchange, read as a table of that name. */
public final class ExchangeScan extends TableScan {
    private ExchangeScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table) {
        super(cluster, traits, List.of(), table);
    }

    public static ExchangeScan create(RelOptCluster cluster, String name, RelDataType rowType) {
        return new ExchangeScan(cluster, cluster.traitSet(), RelOptTableImpl.create(null, rowType, List.of(name), null));
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new ExchangeScan(getCluster(), traitSet, table);
    }
}
