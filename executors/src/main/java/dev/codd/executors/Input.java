package dev.codd.executors;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
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
