package dev.codd.planner.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * Writes as literals the arguments DuckDB takes only as constants: the fraction of a quantile or
 * percentile, the separator of {@code string_agg}. Calcite gives an aggregate only columns, so these
 * are columns each node sends, which DuckDB refuses. Other constant arguments stay columns: a
 * literal has a type of its own ({@code sum(x)} with {@code x = 5} is not {@code SUM(5)}).
 */
public final class ConstantArgumentsShuttle extends RelShuttleImpl {
    @Override
    public RelNode visit(LogicalAggregate aggregate) {
        LogicalAggregate visited = (LogicalAggregate) super.visit(aggregate);
        if (visited.getAggCallList().stream().noneMatch(call -> mustBeConstant(call.getAggregation(), 0)
                || mustBeConstant(call.getAggregation(), 1))) {
            return visited; // the usual case: no metadata is asked for
        }
        RelNode input = visited.getInput();
        RelOptPredicateList predicates = visited.getCluster().getMetadataQuery().getPulledUpPredicates(input);
        List<AggregateCall> calls = visited.getAggCallList().stream().map(call -> inlined(call, input, predicates)).toList();
        return calls.equals(visited.getAggCallList())
                ? visited
                : visited.copy(visited.getTraitSet(), input, visited.getGroupSet(), visited.getGroupSets(), calls);
    }

    private static AggregateCall inlined(AggregateCall call, RelNode input, RelOptPredicateList predicates) {
        Map<Integer, SqlNode> constants = new TreeMap<>();
        List<Integer> columns = new ArrayList<>();
        List<Integer> arguments = call.getArgList();
        for (int position = 0; position < arguments.size(); position++) {
            RexNode value = mustBeConstant(call.getAggregation(), position)
                    ? predicates.constantMap.get(RexInputRef.of(arguments.get(position), input.getRowType()))
                    : null;
            if (value instanceof RexLiteral literal && !literal.isNull()) {
                constants.put(position, SqlImplementor.toSql(literal));
            } else {
                columns.add(arguments.get(position));
            }
        }
        if (constants.isEmpty()) {
            return call;
        }
        return AggregateCall.create(call.getParserPosition(),
                new WithConstants(call.getAggregation(), constants, call.getType()),
                call.isDistinct(), call.isApproximate(), call.ignoreNulls(), call.rexList, columns, call.filterArg,
                call.distinctKeys, call.collation, call.getType(), call.getName());
    }

    /** Whether DuckDB takes the argument at {@code position} of {@code function} only as a constant. */
    private static boolean mustBeConstant(SqlAggFunction function, int position) {
        return switch (function.getName().toUpperCase(Locale.ROOT)) {
            case "PERCENTILE_CONT", "PERCENTILE_DISC" -> position == 0; // the ordered values come WITHIN GROUP
            case "QUANTILE_CONT", "QUANTILE_DISC", "QUANTILE", "APPROX_QUANTILE", "RESERVOIR_QUANTILE", "LISTAGG",
                    "STRING_AGG" -> position == 1;
            default -> false;
        };
    }

    /** An aggregate written with its constant arguments in their places, as literals. */
    private static final class WithConstants extends SqlAggFunction {
        private final SqlAggFunction function;
        /** Each constant argument by its position among the arguments. */
        private final Map<Integer, SqlNode> constants;

        /**
         * Typed {@code type}, what the call was whatever its columns are now, and of no kind Calcite
         * treats apart: only its SQL is still to be written, as {@code function}'s.
         */
        WithConstants(SqlAggFunction function, Map<Integer, SqlNode> constants, RelDataType type) {
            super(function.getName(), null, SqlKind.OTHER_FUNCTION, ReturnTypes.explicit(type), null, null,
                    function.getFunctionType(), function.requiresOrder(), function.requiresOver(),
                    function.requiresGroupOrder());
            this.function = function;
            this.constants = constants;
        }

        @Override
        public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
            List<SqlNode> operands = new ArrayList<>(call.getOperandList());
            constants.forEach(operands::add); // in order of position, so each lands where it was
            function.createCall(call.getFunctionQuantifier(), call.getParserPosition(), operands)
                    .unparse(writer, leftPrec, rightPrec);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof WithConstants that && function.equals(that.function) && constants.equals(that.constants);
        }

        @Override
        public int hashCode() {
            return Objects.hash(function, constants);
        }
    }
}
