package dev.codd.executors.wasm;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.DuckDbExecutor;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBScalarFunctionBuilder;

/**
 * The WASM functions registered in one DuckDB database, under their internal names, so that
 * fragments call them inside DuckDB's own pipeline: scan and filter, then the function, then
 * partial aggregation, with no copy in between.
 */
public final class WasmFunctions {
    private final DuckDbExecutor duckdb;
    private final WasmModules modules;
    private final Supplier<String> where;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** @param where how errors name this place: "node n1", "the requester" */
    public WasmFunctions(DuckDbExecutor duckdb, WasmModules modules, Supplier<String> where) {
        this.duckdb = duckdb;
        this.modules = modules;
        this.where = where;
    }

    /** Registers each function that is not registered yet, fetching and compiling its module on first use. */
    public void register(Collection<WasmFunction> functions) {
        for (WasmFunction function : functions) {
            if (!registered.contains(function.internalName())) {
                registerOne(function);
            }
        }
    }

    private synchronized void registerOne(WasmFunction function) {
        if (registered.contains(function.internalName())) {
            return;
        }
        WasmScalar scalar;
        try {
            scalar = new WasmScalar(function, where.get(), modules.compiled(function));
        } catch (CoddException e) {
            throw e;
        } catch (RuntimeException e) { // Chicory's compiler refused the module
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "WASM function " + function.name() + " cannot run on "
                    + where.get() + ": " + e.getMessage(), e);
        }
        duckdb.withConnection(connection -> {
            try (DuckDBScalarFunctionBuilder builder = DuckDBFunctions.scalarFunction()) {
                builder.withName(function.internalName())
                        .withParameters(function.parameters().stream().map(WasmType::duckdb).toArray(DuckDBColumnType[]::new))
                        .withReturnType(function.returns().duckdb())
                        .withVectorizedFunction(scalar);
                if (!function.calledOnNullInput()) {
                    builder.withNullInNullOut(); // DuckDB may then answer NULL for a NULL constant itself
                }
                if (function.limits().wasi()) {
                    builder.withVolatile(); // clocks and random numbers: never folded or shared between rows
                }
                builder.register(connection);
            }
            return null;
        });
        registered.add(function.internalName());
    }

    /** Fails with the user's error if {@code function} could not run: for CREATE FUNCTION, before it is stored. */
    public static void check(byte[] module, WasmFunction function) {
        try {
            WasmModules.check(WasmModules.parse(module), function);
        } catch (CoddException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "WASM function " + function.name() + " cannot run: "
                    + e.getMessage(), e);
        }
    }
}
