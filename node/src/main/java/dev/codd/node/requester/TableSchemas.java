package dev.codd.node.requester;

import dev.codd.executors.ArrowQuery;
import dev.codd.executors.DuckDbErrors;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.Sql;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema a table's rows have, as DuckDB itself exports its column types, with Flight SQL's
 * column metadata (DuckDB type name, table, schema) for metadata clients.
 */
final class TableSchemas {
    private final DuckDbExecutor duckdb;
    private final BufferAllocator allocator;
    private final Map<List<Column>, Schema> byColumns = new ConcurrentHashMap<>();

    TableSchemas(DuckDbExecutor duckdb, BufferAllocator allocator) {
        this.duckdb = duckdb;
        this.allocator = allocator;
    }

    /** The schema of {@code table}, listed as {@code name} in {@code schema}. */
    Schema of(String catalog, String schema, String name, ClusterTable table) {
        Schema arrow = byColumns.computeIfAbsent(table.columns(), this::exported);
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < arrow.getFields().size(); i++) {
            Field field = arrow.getFields().get(i);
            Map<String, String> metadata = new FlightSqlColumnMetadata.Builder()
                    .catalogName(catalog)
                    .schemaName(schema)
                    .tableName(name)
                    .typeName(table.columns().get(i).type())
                    .build()
                    .getMetadataMap();
            FieldType type = new FieldType(true, field.getType(), field.getDictionary(), metadata);
            fields.add(new Field(field.getName(), type, field.getChildren()));
        }
        return new Schema(fields);
    }

    private Schema exported(List<Column> columns) {
        String sql = columns.stream()
                .map(c -> "CAST(NULL AS " + c.type() + ") AS " + Sql.identifier(c.name()))
                .collect(Collectors.joining(", ", "SELECT ", " LIMIT 0"));
        try (ArrowQuery query = duckdb.query(sql, List.of(), allocator, 1)) {
            return query.reader().getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
            throw DuckDbErrors.translate(e);
        }
    }
}
