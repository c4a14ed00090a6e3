package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;

/** A schema of the cluster catalog as Calcite sees it: one table per logical table, by the name it has in SQL. */
final class CoddSchema extends AbstractSchema {
    private final Map<String, Table> tables = new LinkedHashMap<>();

    CoddSchema(Map<String, ClusterTable> byName) {
        byName.forEach((name, table) -> tables.put(name, new LogicalTable(table)));
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return tables;
    }

    /** A table whose rows are the union of its shards; planning replaces its scan by node scans. */
    static final class LogicalTable extends AbstractTable {
        private final ClusterTable table;

        LogicalTable(ClusterTable table) {
            this.table = table;
        }

        ClusterTable clusterTable() {
            return table;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            if (table.columns().isEmpty()) { // no file of it can be read: its problem says why
                table.problem().ifPresent(problem -> {
                    throw new CoddException(problem.code(), problem.message());
                });
            }
            RelDataTypeFactory.Builder row = typeFactory.builder();
            for (Column column : table.columns()) {
                row.add(column.name(), DuckDbTypes.toRelDataType(typeFactory, column.type()));
            }
            return row.build();
        }
    }
}
