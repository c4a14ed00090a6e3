package dev.codd.planner.rel;

import static java.util.Objects.requireNonNull;

import dev.codd.planner.catalog.ClusterTable;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The shards of one table that one node reads. In fragment SQL it is just the table's name: the node
 * binds that name to its own files for the listed CIDs.
 */
public final class NodeScan extends TableScan {
    private final ClusterTable clusterTable;
    private final String node;
    private final List<String> cids;

    private NodeScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, ClusterTable clusterTable,
            String node, List<String> cids) {
        super(cluster, traits, List.of(), table);
        this.clusterTable = requireNonNull(clusterTable, "clusterTable is null");
        this.node = requireNonNull(node, "node is null");
        this.cids = List.copyOf(cids);
    }

    public static NodeScan create(RelOptCluster cluster, ClusterTable clusterTable, RelDataType rowType, String node,
            List<String> cids) {
        RelOptTable table = RelOptTableImpl.create(null, rowType, List.of(clusterTable.name()), null);
        return new NodeScan(cluster, cluster.traitSet(), table, clusterTable, node, cids);
    }

    /** The same shards, read from another node that holds replicas of them. */
    public NodeScan onNode(String otherNode) {
        return new NodeScan(getCluster(), getTraitSet(), table, clusterTable, otherNode, cids);
    }

    /** The table and where all its shards live. */
    public ClusterTable clusterTable() {
        return clusterTable;
    }

    /** Whether these are all the table's shards (the node reads the whole table). */
    public boolean wholeTable() {
        return cids.size() == clusterTable.shards().size();
    }

    public String tableName() {
        return table.getQualifiedName().get(0);
    }

    public String node() {
        return node;
    }

    public List<String> cids() {
        return cids;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new NodeScan(getCluster(), traitSet, table, clusterTable, node, cids);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("node", node).item("shards", cids.size());
    }
}
