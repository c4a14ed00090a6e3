package dev.codd.planner;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.SqlNode;

/** Writes a relational expression as one line of DuckDB SQL. */
final class DuckDbSql {
    private DuckDbSql() {}

    static String of(RelNode rel) {
        SqlNode statement = new RelToSqlConverter(CoddSqlDialect.INSTANCE).visitRoot(rel).asStatement();
        return statement.toSqlString(config -> config.withDialect(CoddSqlDialect.INSTANCE)
                        .withClauseStartsLine(false)
                        .withSelectListItemsOnSeparateLines(false)
                        .withIndentation(0))
                .getSql();
    }
}
