package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.planner.rel.DockerMap;
import dev.codd.planner.rel.NodeScan;
import dev.codd.planner.rel.StreamScan;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Cuts a distributed plan into fragments and a root. A subtree whose scans all read one node's
 * shards runs on that node; a UNION ALL of such subtrees that run the same SQL (over different
 * shards) becomes one exchange that gathers them; what remains above the exchanges is the root plan
 * the requester runs. Branches that differ (a UNION ALL the user wrote) get an exchange each, so
 * that DuckDB unifies their types at the root as it would alone. Sub-queries stay in the root SQL,
 * their own scans gathered through exchanges like any other.
 */
final class FragmentSplitter {
    private final Map<RelNode, Optional<Locality>> localities = new IdentityHashMap<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    /** The nodes that run containers: a subtree with a docker_map runs on one of them. */
    private final Set<String> containerNodes;

    FragmentSplitter(Set<String> containerNodes) {
        this.containerNodes = containerNodes;
    }

    List<Exchange> exchanges() {
        return exchanges;
    }

    /** The root plan, with every node-local subtree replaced by a scan of its exchange. */
    RelNode split(RelNode rel) {
        Optional<Locality> locality = locality(rel);
        if (locality.isPresent() && locality.get().node().isPresent()) {
            return exchange(List.of(rel), rel.getRowType());
        }
        if (rel instanceof Union union && union.all && union.getInputs().stream()
                .allMatch(input -> locality(input).flatMap(Locality::node).isPresent())
                && union.getInputs().stream().map(DockerMaps::write).distinct().count() == 1) {
            return exchange(union.getInputs(), union.getRowType());
        }
        if (rel instanceof DockerMap) {
            throw new CoddException(ErrorCode.NOT_SUPPORTED, "docker_map runs on the nodes that hold its input, so its"
                    + " input must be a query over one table's shards (filters, projections, joins with tables"
                    + " partitioned alike or held whole by each node), not one that combines rows of several nodes");
        }
        List<RelNode> inputs = rel.getInputs().stream().map(this::split).toList();
        RelNode copied = inputs.equals(rel.getInputs()) ? rel : rel.copy(rel.getTraitSet(), inputs);
        return SubQueries.withSubQueryPlans(copied, this::split);
    }

    private RelNode exchange(List<RelNode> inputs, RelDataType rowType) {
        String name = "exchange_" + exchanges.size();
        List<Fragment> fragments = inputs.stream()
                .map(this::onContainerNode)
                .map(input -> {
                    Locality locality = locality(input).orElseThrow();
                    DockerMaps.FragmentSql written = DockerMaps.write(input);
                    return new Fragment(locality.node().orElseThrow(), written.sql(), locality.shards(),
                            written.stages());
                })
                .toList();
        exchanges.add(new Exchange(name, rowType.getFieldNames(), fragments));
        return StreamScan.create(inputs.get(0).getCluster(), name, rowType);
    }

    /**
     * {@code input} as it runs: where it is, or, when it holds a docker_map and its node runs no
     * containers, on a node that does and holds replicas of all it reads.
     */
    private RelNode onContainerNode(RelNode input) {
        String node = locality(input).flatMap(Locality::node).orElseThrow();
        if (!DockerMaps.contains(input) || containerNodes.contains(node)) {
            return input;
        }
        List<NodeScan> scans = NodeScans.in(input);
        Optional<String> replica = containerNodes.stream().sorted()
                .filter(candidate -> scans.stream().allMatch(scan -> scan.clusterTable().shards().stream()
                        .filter(shard -> scan.cids().contains(shard.cid()))
                        .allMatch(shard -> shard.nodes().contains(candidate))))
                .findFirst();
        if (replica.isEmpty()) {
            throw new CoddException(ErrorCode.NOT_SUPPORTED, "docker_map runs where its input is, and node " + node
                    + " holds input shards but runs no containers" + (containerNodes.isEmpty()
                            ? "; no node of the cluster does (a node runs them when started with --docker-image)"
                            : "; the nodes that do (" + String.join(", ", containerNodes.stream().sorted().toList())
                                    + ") hold no replica of them"));
        }
        return NodeScans.onNode(input, replica.get());
    }

    private Optional<Locality> locality(RelNode rel) {
        return Locality.of(rel, localities);
    }
}
