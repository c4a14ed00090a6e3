package dev.codd.planner;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Writes a relational expression as one line of DuckDB SQL. Public only because Calcite dispatches
 * to {@code visit} methods by reflection.
 */
public final class DuckDbSql extends RelToSqlConverter {
    private DuckDbSql() {
        super(CoddSqlDialect.INSTANCE);
    }

    static String of(RelNode rel) {
        SqlNode statement = new DuckDbSql().visitRoot(rel).asStatement();
        return statement.toSqlString(config -> config.withDialect(CoddSqlDialect.INSTANCE)
                        .withClauseStartsLine(false)
                        .withSelectListItemsOnSeparateLines(false)
                        .withIndentation(0))
                .getSql();
    }

    /**
     * No rows, but typed columns: {@code SELECT CAST(NULL AS t) AS c, ... WHERE FALSE}. Calcite
     * writes untyped NULLs, which DuckDB would type as NULL, and so would a client (all shards pruned).
     */
    @Override
    public Result visit(Values values) {
        if (!Values.isEmpty(values)) {
            return super.visit(values);
        }
        List<SqlNode> columns = new ArrayList<>();
        for (RelDataTypeField field : values.getRowType().getFieldList()) {
            SqlNode typedNull = SqlStdOperatorTable.CAST.createCall(POS, SqlLiteral.createNull(POS),
                    dialect.getCastSpec(field.getType()));
            columns.add(SqlStdOperatorTable.AS.createCall(POS, typedNull, new SqlIdentifier(field.getName(), POS)));
        }
        SqlSelect select = new SqlSelect(POS, null, new SqlNodeList(columns, POS), null,
                SqlLiteral.createBoolean(false, POS), null, null, null, null, null, null, null, null);
        return result(select, List.of(Clause.SELECT), values, null);
    }
}
