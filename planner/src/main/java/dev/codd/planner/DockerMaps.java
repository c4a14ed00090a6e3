package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ContainerCall;
import dev.codd.common.DeclaredColumn;
import dev.codd.common.ErrorCode;
import dev.codd.planner.rel.DockerMap;
import dev.codd.planner.rel.StreamScan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/** docker_map calls: from Calcite's table function scans into {@link DockerMap}s, and out into fragment SQL. */
final class DockerMaps {
    private DockerMaps() {}

    /** {@code rel} with each docker_map call a {@link DockerMap}; any other table function is refused. */
    static RelNode resolve(RelNode rel) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (!(visited instanceof TableFunctionScan scan)) {
                    return visited;
                }
                RexCall invocation = (RexCall) scan.getCall();
                if (invocation.getOperator() != DockerMapFunction.INSTANCE || scan.getInputs().size() != 1) {
                    throw new CoddException(ErrorCode.NOT_SUPPORTED,
                            "Table function " + invocation.getOperator().getName() + " is not supported");
                }
                return new DockerMap(scan.getCluster(), scan.getTraitSet(), scan.getInput(0), call(invocation),
                        scan.getRowType());
            }
        });
    }

    private static ContainerCall call(RexCall invocation) {
        List<RexNode> operands = invocation.getOperands();
        String image = string(operands.get(DockerMapFunction.IMAGE), "image");
        if (image.isBlank()) {
            throw invalid("image must name an image, such as 'busybox:1.36'");
        }
        List<String> command = new ArrayList<>();
        RexNode commandOperand = literalOrCall(operands.get(DockerMapFunction.COMMAND));
        if (commandOperand instanceof RexCall array && array.getKind() == SqlKind.ARRAY_VALUE_CONSTRUCTOR) {
            array.getOperands().forEach(word -> command.add(string(word, "command")));
        } else {
            throw invalid("command must be an ARRAY of string literals, such as ARRAY['sh', '-c', 'cat']");
        }
        String schema = string(operands.get(DockerMapFunction.OUTPUT_SCHEMA), "output_schema");
        // Calcite drops the optional parameters left out, so the last two are told apart by their values
        ContainerCall.Format format = ContainerCall.Format.CSV;
        Map<String, String> env = new LinkedHashMap<>();
        for (RexNode optional : operands.subList(DockerMapFunction.OUTPUT_SCHEMA + 1, operands.size())) {
            RexNode value = literalOrCall(optional);
            if (value.getKind() == SqlKind.DEFAULT || value instanceof RexLiteral literal && literal.isNull()) {
                continue;
            }
            if (value instanceof RexCall pairs && value.getKind() == SqlKind.MAP_VALUE_CONSTRUCTOR) {
                for (int i = 0; i < pairs.getOperands().size(); i += 2) {
                    String name = string(pairs.getOperands().get(i), "env");
                    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        throw invalid("env name '" + name + "' is not a variable name");
                    }
                    env.put(name, string(pairs.getOperands().get(i + 1), "env"));
                }
            } else if (value instanceof RexLiteral) {
                format = ContainerCall.Format.of(string(value, "format"));
            } else {
                throw invalid("format must be 'csv', 'jsonl' or 'arrow', and env a MAP of string literals such as"
                        + " MAP['TOKEN', 'secret:api-token']");
            }
        }
        return new ContainerCall(image, command, format, DeclaredColumn.parseAll(schema), env);
    }

    private static String string(RexNode operand, String parameter) {
        if (literalOrCall(operand) instanceof RexLiteral literal && literal.getValueAs(String.class) != null) {
            return literal.getValueAs(String.class);
        }
        throw invalid(parameter + " must be given as string literals");
    }

    /** The operand without the casts Calcite puts around literals to unify their types. */
    private static RexNode literalOrCall(RexNode operand) {
        RexNode current = operand;
        while (current.getKind() == SqlKind.CAST) {
            current = ((RexCall) current).getOperands().get(0);
        }
        return current;
    }

    private static CoddException invalid(String message) {
        return new CoddException(ErrorCode.INVALID_ARGUMENT, "docker_map: " + message);
    }

    /**
     * The SQL a node runs for {@code rel}, and the docker_map stages it runs first: each
     * {@link DockerMap} becomes a scan of its container's output, named by its place in the stages.
     */
    static FragmentSql write(RelNode rel) {
        List<DockerStage> stages = new ArrayList<>();
        RelNode replaced = rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                if (!(other instanceof DockerMap map)) {
                    return super.visit(other);
                }
                if (contains(map.getInput())) {
                    throw new CoddException(ErrorCode.NOT_SUPPORTED, "docker_map over the output of another docker_map"
                            + " is not supported: give the inner call's container both steps");
                }
                String name = "docker_output_" + stages.size();
                stages.add(new DockerStage(name, map.call(), DuckDbSql.of(map.getInput())));
                return StreamScan.create(map.getCluster(), name, map.getRowType());
            }
        });
        return new FragmentSql(DuckDbSql.of(replaced), stages);
    }

    static boolean contains(RelNode rel) {
        boolean[] found = {false};
        rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                found[0] |= other instanceof DockerMap;
                return super.visit(other);
            }
        });
        return found[0];
    }

    /** A fragment's SQL and the docker_map stages that feed it. */
    record FragmentSql(String sql, List<DockerStage> stages) {}
}
