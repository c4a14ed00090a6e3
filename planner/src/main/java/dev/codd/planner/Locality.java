package dev.codd.planner;

import dev.codd.planner.rel.NodeScan;
import dev.codd.planner.rel.StreamScan;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;

/**
 * Where a subtree can run: on one node, binding each table it reads to that node's shards, or
 * anywhere when it reads no table. A subtree that reads from several nodes, holds a sub-query or a
 * correlated condition, or binds one table name to two sets of shards has none.
 */
record Locality(Optional<String> node, Map<String, List<String>> shards) {
    static Optional<Locality> of(RelNode rel) {
        return of(rel, new IdentityHashMap<>());
    }

    /** The locality of {@code rel}, remembering what it computes in {@code memo}. */
    static Optional<Locality> of(RelNode rel, Map<RelNode, Optional<Locality>> memo) {
        Optional<Locality> known = memo.get(rel);
        if (known == null) {
            known = compute(rel, memo);
            memo.put(rel, known);
        }
        return known;
    }

    /** Whether the subtree runs on a node (rather than anywhere). */
    boolean onNode() {
        return node.isPresent();
    }

    private static Optional<Locality> compute(RelNode rel, Map<RelNode, Optional<Locality>> memo) {
        if (rel instanceof NodeScan scan) {
            return Optional.of(new Locality(Optional.of(scan.node()), Map.of(scan.tableName(), scan.cids())));
        }
        if (rel instanceof StreamScan || !SubQueries.plain(rel)) {
            return Optional.empty(); // sub-queries and correlated conditions run at the requester
        }
        Optional<String> node = Optional.empty();
        Map<String, List<String>> shards = new LinkedHashMap<>();
        for (RelNode input : rel.getInputs()) {
            Optional<Locality> inputLocality = of(input, memo);
            if (inputLocality.isEmpty()) {
                return Optional.empty();
            }
            Optional<String> inputNode = inputLocality.get().node();
            if (inputNode.isPresent()) {
                if (node.isPresent() && !node.equals(inputNode)) {
                    return Optional.empty();
                }
                node = inputNode;
            }
            for (Map.Entry<String, List<String>> binding : inputLocality.get().shards().entrySet()) {
                List<String> bound = shards.putIfAbsent(binding.getKey(), binding.getValue());
                // one name binds one set of shards in a fragment
                if (bound != null && !Objects.equals(bound, binding.getValue())) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Locality(node, shards));
    }
}
