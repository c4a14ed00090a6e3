package dev.codd.executors.wasm;

import com.dylibso.chicory.wasm.types.ValType;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.duckdb.DuckDBColumnType;

/**
 * The SQL types a WASM function takes and returns, and how each crosses into WebAssembly: numbers
 * as the value type of the same width, a string as a pointer and a length into the module's memory.
 */
public enum WasmType {
    BOOLEAN(DuckDBColumnType.BOOLEAN, List.of(ValType.I32), 4),
    INTEGER(DuckDBColumnType.INTEGER, List.of(ValType.I32), 4),
    BIGINT(DuckDBColumnType.BIGINT, List.of(ValType.I64), 8),
    REAL(DuckDBColumnType.FLOAT, List.of(ValType.F32), 4),
    DOUBLE(DuckDBColumnType.DOUBLE, List.of(ValType.F64), 8),
    /** In: (pointer, length) of UTF-8 bytes the caller wrote with the module's alloc; out: an i64, pointer << 32 | length. */
    VARCHAR(DuckDBColumnType.VARCHAR, List.of(ValType.I32, ValType.I32), 0);

    private final DuckDBColumnType duckdb;
    private final List<ValType> parameters;
    /** Bytes per value in the batch convention; 0 where values have no fixed width. */
    private final int width;

    WasmType(DuckDBColumnType duckdb, List<ValType> parameters, int width) {
        this.duckdb = duckdb;
        this.parameters = parameters;
        this.width = width;
    }

    /** The type named in SQL, with its usual synonyms. */
    public static WasmType of(String sqlName) {
        String name = sqlName.trim().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "BOOL", "BOOLEAN" -> BOOLEAN;
            case "INT", "INT4", "INTEGER" -> INTEGER;
            case "INT8", "LONG", "BIGINT" -> BIGINT;
            case "FLOAT4", "FLOAT", "REAL" -> REAL;
            case "FLOAT8", "DOUBLE", "DOUBLE PRECISION" -> DOUBLE;
            case "STRING", "TEXT", "VARCHAR" -> VARCHAR;
            default -> throw new CoddException(ErrorCode.NOT_SUPPORTED, "A WASM function cannot take or return "
                    + sqlName + "; its types are " + Arrays.stream(values()).map(Enum::name)
                    .collect(Collectors.joining(", ")));
        };
    }

    DuckDBColumnType duckdb() {
        return duckdb;
    }

    /** The WebAssembly parameters one argument of this type takes. */
    List<ValType> parameters() {
        return parameters;
    }

    /** The one WebAssembly result a value of this type comes back as. */
    ValType result() {
        return this == VARCHAR ? ValType.I64 : parameters.get(0);
    }

    /** Whether the batch convention can carry it: a fixed width in memory. */
    boolean fixedWidth() {
        return width > 0;
    }

    int width() {
        return width;
    }
}
