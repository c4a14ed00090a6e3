package dev.codd.planner;

import dev.codd.planner.rel.NodeScan;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;

/** The node scans of a subtree, and the subtree as read on another node. */
final class NodeScans {
    private NodeScans() {}

    /**
     * The plan under a Hep vertex as plain relational expressions: rules see their own operands, but
     * inputs below them only as vertices.
     */
    static RelNode stripped(RelNode rel) {
        RelNode current = rel.stripped();
        List<RelNode> inputs = current.getInputs().stream().map(NodeScans::stripped).toList();
        return inputs.equals(current.getInputs()) ? current : current.copy(current.getTraitSet(), inputs);
    }

    static List<NodeScan> in(RelNode rel) {
        List<NodeScan> scans = new ArrayList<>();
        rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                if (other instanceof NodeScan scan) {
                    scans.add(scan);
                }
                return super.visit(other);
            }
        });
        return scans;
    }

    /** {@code rel} reading the same shards from {@code node}, which holds replicas of them. */
    static RelNode onNode(RelNode rel, String node) {
        return rel.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(TableScan scan) {
                return scan instanceof NodeScan nodeScan ? nodeScan.onNode(node) : scan;
            }
        });
    }
}
