package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.DeclaredColumn;
import dev.codd.common.ErrorCode;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperandCountRange;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlTableFunction;
import org.apache.calcite.sql.TableCharacteristic;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlOperandMetadata;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code docker_map(image => …, command => ARRAY[…], input => TABLE(SELECT …), output_schema => '…'
 * [, format => 'csv' | 'jsonl' | 'arrow'] [, env => MAP[…]])}: a table function whose rows are
 * what a container writes for the rows of its input. Its columns are the declared output schema.
 */
final class DockerMapFunction extends SqlFunction implements SqlTableFunction {
    static final DockerMapFunction INSTANCE = new DockerMapFunction();

    static final List<String> PARAMETERS = List.of("image", "command", "input", "output_schema", "format", "env");
    static final int IMAGE = 0;
    static final int COMMAND = 1;
    static final int INPUT = 2;
    static final int OUTPUT_SCHEMA = 3;

    private DockerMapFunction() {
        super("DOCKER_MAP", SqlKind.OTHER_FUNCTION, ReturnTypes.CURSOR, null, new Operands(),
                SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION);
    }

    @Override
    public SqlReturnTypeInference getRowTypeInference() {
        return DockerMapFunction::rowType;
    }

    private static RelDataType rowType(SqlOperatorBinding binding) {
        String schema = binding.getOperandLiteralValue(OUTPUT_SCHEMA, String.class);
        if (schema == null) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "docker_map: output_schema must be a string literal such as 'label VARCHAR, score DOUBLE'");
        }
        RelDataTypeFactory.Builder row = binding.getTypeFactory().builder();
        for (DeclaredColumn column : DeclaredColumn.parseAll(schema)) {
            row.add(column.name(), DuckDbTypes.toRelDataType(binding.getTypeFactory(), column.type()));
        }
        return row.build();
    }

    @Override
    public TableCharacteristic tableCharacteristic(int ordinal) {
        return ordinal == INPUT ? TableCharacteristic.builder(TableCharacteristic.Semantics.ROW).build() : null;
    }

    @Override
    public boolean argumentMustBeScalar(int ordinal) {
        return ordinal != INPUT;
    }

    /** Names the parameters, so that they may be passed by name, and lets the last two be left out. */
    private static final class Operands implements SqlOperandMetadata {
        @Override
        public List<RelDataType> paramTypes(RelDataTypeFactory typeFactory) {
            return PARAMETERS.stream().map(name -> typeFactory.createSqlType(SqlTypeName.ANY)).toList();
        }

        @Override
        public List<String> paramNames() {
            return PARAMETERS;
        }

        @Override
        public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
            return true; // the values are read, and checked, when the call becomes a DockerMap
        }

        @Override
        public SqlOperandCountRange getOperandCountRange() {
            return SqlOperandCountRanges.between(OUTPUT_SCHEMA + 1, PARAMETERS.size());
        }

        @Override
        public boolean isOptional(int i) {
            return i > OUTPUT_SCHEMA;
        }

        @Override
        public String getAllowedSignatures(SqlOperator op, String opName) {
            return "docker_map(image => 'name:tag', command => ARRAY['…'], input => TABLE(SELECT …), "
                    + "output_schema => 'name TYPE, …' [, format => 'csv'|'jsonl'|'arrow'] [, env => MAP['K', 'V']])";
        }
    }
}
