package dev.codd.planner;

import dev.codd.planner.catalog.UserFunction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlTypeFactoryImpl;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A user's function as Calcite validates it, by the name and types the user declared. In the SQL
 * a node or the requester runs it is written by its internal name, with each argument cast to the
 * declared type, since DuckDB matches registered functions by exact types.
 */
final class UserSqlFunction extends SqlFunction {
    private final UserFunction function;

    private static final RelDataTypeFactory TYPES = new SqlTypeFactoryImpl(CoddTypeSystem.INSTANCE);

    UserSqlFunction(UserFunction function) {
        super(function.name(), SqlKind.OTHER_FUNCTION,
                binding -> DuckDbTypes.toRelDataType(binding.getTypeFactory(), function.returnType()), null,
                OperandTypes.family(function.parameterTypes().stream()
                        .map(type -> family(DuckDbTypes.toRelDataType(TYPES, type).getSqlTypeName()))
                        .toList()),
                SqlFunctionCategory.USER_DEFINED_FUNCTION);
        this.function = function;
    }

    private static SqlTypeFamily family(SqlTypeName type) {
        return switch (type) {
            case BOOLEAN -> SqlTypeFamily.BOOLEAN;
            case CHAR, VARCHAR -> SqlTypeFamily.CHARACTER;
            default -> SqlTypeFamily.NUMERIC;
        };
    }

    @Override
    public boolean isDeterministic() {
        return function.deterministic();
    }

    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlWriter.Frame frame = writer.startFunCall(function.internalName());
        List<SqlNode> operands = call.getOperandList();
        for (int i = 0; i < operands.size(); i++) {
            writer.sep(",");
            SqlWriter.Frame cast = writer.startFunCall("CAST");
            operands.get(i).unparse(writer, 0, 0);
            writer.sep("AS");
            writer.print(function.parameterTypes().get(i));
            writer.endFunCall(cast);
        }
        writer.endFunCall(frame);
    }

    /** The internal names of the user functions {@code rel} calls anywhere, sub-queries included. */
    static Set<String> calledIn(RelNode rel) {
        Set<String> called = new HashSet<>();
        RexShuttle finder = new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (call.getOperator() instanceof UserSqlFunction user) {
                    called.add(user.function.internalName());
                }
                return super.visitCall(call);
            }

            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                called.addAll(calledIn(subQuery.rel));
                return super.visitSubQuery(subQuery);
            }
        };
        new RelVisitor() {
            @Override
            public void visit(RelNode node, int ordinal, RelNode parent) {
                node.accept(finder);
                super.visit(node, ordinal, parent);
            }
        }.go(rel);
        return called;
    }
}
