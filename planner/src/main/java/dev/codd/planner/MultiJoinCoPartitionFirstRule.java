package dev.codd.planner;

import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Partition;
import dev.codd.planner.rules.RuleConfig;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Turns a block of inner joins back into a join tree that joins first the tables partitioned alike
 * and joined on their partition keys (TPC-H's lineitem and orders, whatever order the query names
 * them in), so that their join can run where the partitions lie. The other inputs follow in the
 * query's order; DuckDB orders the joins that run at the requester itself.
 */
final class MultiJoinCoPartitionFirstRule extends RelRule<RuleConfig> {
    static final MultiJoinCoPartitionFirstRule INSTANCE = new MultiJoinCoPartitionFirstRule(RuleConfig.of(
            "MultiJoinCoPartitionFirstRule", multiJoin -> multiJoin.operand(MultiJoin.class).anyInputs(),
            MultiJoinCoPartitionFirstRule::new));

    /** An input's partitioning: the scheme and, per key, the field (in the multi-join's row) holding it. */
    private record Keys(String scheme, List<Integer> fields) {}

    private MultiJoinCoPartitionFirstRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        MultiJoin multiJoin = call.rel(0);
        List<RelNode> inputs = multiJoin.getInputs();
        if (multiJoin.isFullOuterJoin() || multiJoin.getJoinTypes().stream().anyMatch(t -> t != JoinRelType.INNER)
                || multiJoin.getPostJoinFilter() != null) {
            return; // only blocks of inner joins are built here
        }
        int[] offsets = new int[inputs.size() + 1];
        for (int i = 0; i < inputs.size(); i++) {
            offsets[i + 1] = offsets[i] + inputs.get(i).getRowType().getFieldCount();
        }
        List<RexNode> conjuncts = RelOptUtil.conjunctions(multiJoin.getJoinFilter());
        List<Integer> order = order(inputs, offsets, conjuncts, call.getMetadataQuery());
        call.transformTo(build(call.builder(), inputs, offsets, conjuncts, order, multiJoin));
    }

    /** Co-partitioned inputs first (the largest group joined on their keys), then the rest in query order. */
    private static List<Integer> order(List<RelNode> inputs, int[] offsets, List<RexNode> conjuncts,
            RelMetadataQuery mq) {
        List<Optional<Keys>> keys = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            keys.add(keys(NodeScans.stripped(inputs.get(i)), offsets[i], mq));
        }
        Set<String> equalities = new HashSet<>();
        for (RexNode conjunct : conjuncts) {
            if (conjunct.getKind() == SqlKind.EQUALS && conjunct instanceof RexCall equals
                    && equals.getOperands().get(0) instanceof RexInputRef a
                    && equals.getOperands().get(1) instanceof RexInputRef b) {
                equalities.add(a.getIndex() + "=" + b.getIndex());
                equalities.add(b.getIndex() + "=" + a.getIndex());
            }
        }
        int[] group = new int[inputs.size()];
        for (int i = 0; i < group.length; i++) {
            group[i] = i;
        }
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = i + 1; j < inputs.size(); j++) {
                if (coPartitioned(keys.get(i), keys.get(j), equalities)) {
                    int from = group[j];
                    int to = group[i];
                    for (int k = 0; k < group.length; k++) {
                        if (group[k] == from) {
                            group[k] = to;
                        }
                    }
                }
            }
        }
        int best = -1;
        int bestSize = 1;
        for (int candidate = 0; candidate < inputs.size(); candidate++) {
            int size = 0;
            for (int g : group) {
                size += g == candidate ? 1 : 0;
            }
            if (size > bestSize) {
                best = candidate;
                bestSize = size;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (group[i] == best) {
                order.add(i);
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (group[i] != best) {
                order.add(i);
            }
        }
        return order;
    }

    private static boolean coPartitioned(Optional<Keys> a, Optional<Keys> b, Set<String> equalities) {
        if (a.isEmpty() || b.isEmpty() || !a.get().scheme().equals(b.get().scheme())
                || a.get().fields().size() != b.get().fields().size()) {
            return false;
        }
        for (int p = 0; p < a.get().fields().size(); p++) {
            if (!equalities.contains(a.get().fields().get(p) + "=" + b.get().fields().get(p))) {
                return false;
            }
        }
        return true;
    }

    /** The partition keys of an input that reads one partitioned table and passes its keys through. */
    private static Optional<Keys> keys(RelNode input, int offset, RelMetadataQuery mq) {
        Set<RelOptTable> tables = RelOptUtil.findTables(input);
        if (tables.size() != 1) {
            return Optional.empty();
        }
        CoddSchema.LogicalTable logical = tables.iterator().next().unwrap(CoddSchema.LogicalTable.class);
        if (logical == null) {
            return Optional.empty();
        }
        ClusterTable table = logical.clusterTable();
        Optional<Partition> partitioning = table.partitioning();
        if (partitioning.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> fields = new ArrayList<>();
        for (String key : partitioning.get().keys()) {
            int found = -1;
            for (int f = 0; f < input.getRowType().getFieldCount() && found < 0; f++) {
                RelColumnOrigin origin = mq.getColumnOrigin(input, f);
                if (origin != null && !origin.isDerived() && origin.getOriginTable().getRowType().getFieldNames()
                        .get(origin.getOriginColumnOrdinal()).equalsIgnoreCase(key)) {
                    found = f;
                }
            }
            if (found < 0) {
                return Optional.empty();
            }
            fields.add(offset + found);
        }
        return Optional.of(new Keys(partitioning.get().scheme(), fields));
    }

    /** A left-deep tree in {@code order}, each condition applied as soon as its inputs are joined. */
    private static RelNode build(RelBuilder builder, List<RelNode> inputs, int[] offsets, List<RexNode> conjuncts,
            List<Integer> order, MultiJoin multiJoin) {
        int[] newIndex = new int[offsets[inputs.size()]];
        List<RexNode> pending = new ArrayList<>(conjuncts);
        BitSet joinedFields = new BitSet();
        int width = 0;
        for (int position = 0; position < order.size(); position++) {
            int input = order.get(position);
            for (int f = offsets[input]; f < offsets[input + 1]; f++) {
                newIndex[f] = width++;
                joinedFields.set(f);
            }
            builder.push(inputs.get(input));
            if (position > 0) {
                List<RexNode> applicable = new ArrayList<>();
                for (RexNode conjunct : List.copyOf(pending)) {
                    ImmutableBitSet used = RelOptUtil.InputFinder.bits(conjunct);
                    if (used.asList().stream().allMatch(joinedFields::get)) {
                        applicable.add(remap(conjunct, newIndex));
                        pending.remove(conjunct);
                    }
                }
                builder.join(JoinRelType.INNER, RexUtil.composeConjunction(builder.getRexBuilder(), applicable));
            }
        }
        if (!pending.isEmpty()) {
            builder.filter(pending.stream().map(c -> remap(c, newIndex)).toList());
        }
        List<RexNode> fields = new ArrayList<>();
        for (int f = 0; f < newIndex.length; f++) {
            fields.add(builder.field(newIndex[f]));
        }
        return builder.project(fields, multiJoin.getRowType().getFieldNames(), true).build();
    }

    private static RexNode remap(RexNode node, int[] newIndex) {
        return node.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(newIndex[ref.getIndex()], ref.getType());
            }
        });
    }
}
