package dev.codd.executors;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.ipc.ArrowReader;

/** A name a query reads, and what it is bound to for that one query. */
public sealed interface Input {
    String name();

    /** The union of local sources: files and tables of attached DuckDB databases. */
    record Sources(String name, List<Source> sources) implements Input {
        public Sources {
            requireNonNull(name, "name is null");
            sources = List.copyOf(sources);
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("input " + name + " has no sources");
            }
        }
    }

    /** A stream of Arrow batches, read once. The query takes ownership of the reader. */
    record Arrow(String name, ArrowReader reader) implements Input {
        public Arrow {
            requireNonNull(name, "name is null");
            requireNonNull(reader, "reader is null");
        }
    }

    /** Where rows of a {@link Sources} input come from. */
    sealed interface Source {
        /** The DuckDB expression that reads this source, as used after FROM. */
        String sql();
    }

    /** A Parquet, CSV or JSON file. */
    record DataFile(Path path, FileFormat format) implements Source {
        public DataFile {
            requireNonNull(path, "path is null");
            requireNonNull(format, "format is null");
        }

        @Override
        public String sql() {
            return format.reader() + "(" + Sql.string(path.toString()) + ")";
        }
    }

    /**
     * The segments of an audit log (JSON lines), as rows of {@code node, seq, time, type, data,
     * prev, hash}: {@code data} is the record's JSON, {@code time} UTC. A line still being written
     * is not a row yet.
     */
    record AuditSegments(List<Path> segments, String node) implements Source {
        public AuditSegments {
            segments = List.copyOf(segments);
            requireNonNull(node, "node is null");
            if (segments.isEmpty()) {
                throw new IllegalArgumentException("an audit log has at least one segment");
            }
        }

        @Override
        public String sql() {
            String files = segments.stream().map(p -> Sql.string(p.toString())).collect(Collectors.joining(", ", "[", "]"));
            return "(SELECT " + Sql.string(node) + " AS node, seq, CAST(replace(replace(\"time\", 'T', ' '), 'Z', '') AS TIMESTAMP)"
                    + " AS \"time\", \"type\", CAST(\"data\" AS VARCHAR) AS \"data\", prev, hash FROM read_json(" + files
                    + ", format = 'newline_delimited', ignore_errors = true, columns = {seq: 'BIGINT', \"time\": 'VARCHAR',"
                    + " \"type\": 'VARCHAR', \"data\": 'JSON', prev: 'VARCHAR', hash: 'VARCHAR'}))";
        }
    }

    /**
     * Rows held in memory (the requester's view of the cluster, {@code sys.nodes} and the like),
     * written into the query as typed literals: each value is a string, number, boolean or null,
     * cast to its column's DuckDB type.
     */
    record Rows(List<String> columns, List<String> types, List<List<Object>> rows) implements Source {
        public Rows {
            columns = List.copyOf(columns);
            types = List.copyOf(types);
            rows = rows.stream().map(row -> Collections.unmodifiableList(new ArrayList<>(row))).toList(); // nulls allowed
            if (columns.isEmpty() || columns.size() != types.size()) {
                throw new IllegalArgumentException("rows need one type per column");
            }
            for (List<Object> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("a row has " + row.size() + " values for " + columns.size() + " columns");
                }
            }
        }

        @Override
        public String sql() {
            StringBuilder sql = new StringBuilder("(SELECT ");
            for (int c = 0; c < columns.size(); c++) {
                String column = Sql.identifier(columns.get(c));
                sql.append(c == 0 ? "" : ", ").append("CAST(").append(rows.isEmpty() ? "NULL" : column).append(" AS ")
                        .append(types.get(c)).append(") AS ").append(column);
            }
            if (rows.isEmpty()) {
                return sql.append(" WHERE false)").toString(); // the columns' names and types only
            }
            sql.append(" FROM (VALUES ");
            for (int r = 0; r < rows.size(); r++) {
                sql.append(r == 0 ? "(" : ", (");
                for (int c = 0; c < columns.size(); c++) {
                    Object value = rows.get(r).get(c);
                    sql.append(c == 0 ? "" : ", ").append(value == null ? "NULL" : Sql.string(value.toString()));
                }
                sql.append(')');
            }
            sql.append(") AS t(").append(columns.stream().map(Sql::identifier).collect(Collectors.joining(", ")));
            return sql.append("))").toString();
        }
    }

    /** A table of a DuckDB database file the executor has attached. */
    record AttachedTable(String database, String table) implements Source {
        public AttachedTable {
            requireNonNull(database, "database is null");
            requireNonNull(table, "table is null");
        }

        @Override
        public String sql() {
            return Sql.identifier(database) + ".main." + Sql.identifier(table);
        }
    }
}
