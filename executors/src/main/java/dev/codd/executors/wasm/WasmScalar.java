package dev.codd.executors.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBDataChunkReader;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBReadableVector;
import org.duckdb.DuckDBScalarFunction;
import org.duckdb.DuckDBWritableVector;

/**
 * A WASM function as DuckDB calls it: once per batch of rows (a DuckDB vector, up to 2048), from
 * any of DuckDB's threads. Each call borrows an instance of its own; one that failed is thrown away,
 * and no more are kept idle than DuckDB has threads. A row with a NULL argument gets a NULL result
 * (one call per row: without a call; the batch convention: its slot holds 0 and its result is
 * ignored), unless the function is called on NULL input.
 */
final class WasmScalar implements DuckDBScalarFunction {
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();
    /** Idle instances kept for reuse: one per thread that may call at once. */
    private static final int MAX_IDLE = Runtime.getRuntime().availableProcessors();

    private final WasmFunction function;
    private final String where;
    private final WasmModules.Compiled compiled;
    private final boolean batch;
    private final ConcurrentLinkedDeque<Loaded> idle = new ConcurrentLinkedDeque<>();

    /** An instance with its exports looked up once. */
    private record Loaded(Instance instance, ExportFunction call, ExportFunction alloc, ExportFunction dealloc) {}

    WasmScalar(WasmFunction function, String where, WasmModules.Compiled compiled) {
        this.function = function;
        this.where = where;
        this.compiled = compiled;
        this.batch = WasmModules.batched(compiled.module(), function);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "codd-wasm-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.setRemoveOnCancelPolicy(true); // a batch that ends in time leaves nothing queued
        return watchdog;
    }

    @Override
    public void apply(DuckDBDataChunkReader input, DuckDBWritableVector output) {
        int rows = (int) input.rowCount();
        DuckDBReadableVector[] arguments = new DuckDBReadableVector[function.parameters().size()];
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = input.vector(i);
        }
        Deadline deadline = new Deadline(Thread.currentThread());
        deadline.timer = WATCHDOG.schedule(deadline, function.limits().timeoutMillis(), TimeUnit.MILLISECONDS);
        boolean healthy = false;
        Loaded instance = null;
        try {
            instance = idle.poll();
            if (instance == null) {
                instance = load();
            }
            if (batch) {
                callBatch(instance, arguments, rows, output);
            } else {
                callRows(instance, arguments, rows, output);
            }
            healthy = true;
        } catch (ChicoryInterruptedException e) {
            throw failure("it ran longer than timeout_ms = " + function.limits().timeoutMillis()
                    + " over one batch of " + rows + " rows", e);
        } catch (RuntimeException | StackOverflowError e) {
            Memory memory = instance == null ? null : instance.instance().memory();
            String full = memory != null && memory.pages() >= function.limits().memoryPages()
                    ? " (its memory had reached memory_pages = " + function.limits().memoryPages() + ")" : "";
            throw failure("it trapped: " + e.getMessage() + full, e);
        } finally {
            deadline.finish();
            if (healthy && idle.size() < MAX_IDLE) {
                idle.push(instance);
            }
        }
    }

    private void callRows(Loaded instance, DuckDBReadableVector[] arguments, int rows, DuckDBWritableVector output) {
        List<WasmType> types = function.parameters();
        boolean passNulls = function.calledOnNullInput();
        long[] values = new long[WasmModules.rowType(function).params().size()];
        for (int row = 0; row < rows; row++) {
            if (!passNulls && anyNull(arguments, row)) {
                output.setNull(row);
                continue;
            }
            int next = 0;
            for (int i = 0; i < arguments.length; i++) {
                boolean isNull = arguments[i].isNull(row);
                if (types.get(i) == WasmType.VARCHAR) {
                    byte[] bytes = isNull ? new byte[0] : arguments[i].getString(row).getBytes(StandardCharsets.UTF_8);
                    values[next++] = isNull ? 0 : write(instance, bytes);
                    values[next++] = bytes.length;
                } else {
                    values[next++] = isNull ? 0 : number(types.get(i), arguments[i], row);
                }
                if (passNulls) {
                    values[next++] = isNull ? 1 : 0;
                }
            }
            long result = instance.call().apply(values)[0];
            next = 0;
            for (int i = 0; i < arguments.length; i++) {
                if (types.get(i) == WasmType.VARCHAR && values[next] != 0) {
                    free(instance, (int) values[next], (int) values[next + 1]);
                }
                next += types.get(i).parameters().size() + (passNulls ? 1 : 0);
            }
            if (function.returns() == WasmType.VARCHAR) {
                int pointer = (int) (result >>> 32);
                int length = (int) result;
                output.setString(row, new String(instance.instance().memory().readBytes(pointer, length),
                        StandardCharsets.UTF_8));
                free(instance, pointer, length);
            } else {
                setNumber(output, row, result);
            }
        }
    }

    /** The batch convention: each argument column and the result as packed little-endian arrays. */
    private void callBatch(Loaded instance, DuckDBReadableVector[] arguments, int rows, DuckDBWritableVector output) {
        List<WasmType> types = function.parameters();
        long[] values = new long[arguments.length + 2];
        for (int i = 0; i < arguments.length; i++) {
            WasmType type = types.get(i);
            ByteBuffer column = ByteBuffer.allocate(rows * type.width()).order(ByteOrder.LITTLE_ENDIAN);
            for (int row = 0; row < rows; row++) {
                long value = arguments[i].isNull(row) ? 0 : number(type, arguments[i], row);
                if (type.width() == 8) {
                    column.putLong(value);
                } else {
                    column.putInt((int) value);
                }
            }
            values[i] = write(instance, column.array());
        }
        int outBytes = rows * function.returns().width();
        int out = alloc(instance, outBytes);
        values[arguments.length] = out;
        values[arguments.length + 1] = rows;
        instance.call().apply(values);
        ByteBuffer results = ByteBuffer.wrap(instance.instance().memory().readBytes(out, outBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < rows; row++) {
            long result = function.returns().width() == 8 ? results.getLong() : results.getInt();
            if (anyNull(arguments, row)) {
                output.setNull(row);
            } else {
                setNumber(output, row, result);
            }
        }
        for (int i = 0; i < arguments.length; i++) {
            free(instance, (int) values[i], rows * types.get(i).width());
        }
        free(instance, out, outBytes);
    }

    private static boolean anyNull(DuckDBReadableVector[] arguments, int row) {
        for (DuckDBReadableVector argument : arguments) {
            if (argument.isNull(row)) {
                return true;
            }
        }
        return false;
    }

    /** A number as WebAssembly carries it: integers as themselves, floats as their bits. */
    private static long number(WasmType type, DuckDBReadableVector vector, int row) {
        return switch (type) {
            case BOOLEAN -> vector.getBoolean(row) ? 1 : 0;
            case INTEGER -> vector.getInt(row);
            case BIGINT -> vector.getLong(row);
            case REAL -> Float.floatToRawIntBits(vector.getFloat(row));
            case DOUBLE -> Double.doubleToRawLongBits(vector.getDouble(row));
            case VARCHAR -> throw new IllegalArgumentException("not a number");
        };
    }

    private void setNumber(DuckDBWritableVector output, int row, long result) {
        switch (function.returns()) {
            case BOOLEAN -> output.setBoolean(row, (int) result != 0);
            case INTEGER -> output.setInt(row, (int) result);
            case BIGINT -> output.setLong(row, result);
            case REAL -> output.setFloat(row, Float.intBitsToFloat((int) result));
            case DOUBLE -> output.setDouble(row, Double.longBitsToDouble(result));
            case VARCHAR -> throw new IllegalArgumentException("not a number");
        }
    }

    private static int write(Loaded instance, byte[] bytes) {
        int pointer = alloc(instance, bytes.length);
        instance.instance().memory().write(pointer, bytes);
        return pointer;
    }

    private static int alloc(Loaded instance, int size) {
        int pointer = (int) instance.alloc().apply(size)[0];
        if (pointer == 0 && size > 0) {
            throw new IllegalStateException(WasmModules.ALLOC + "(" + size + ") returned 0: out of memory");
        }
        return pointer;
    }

    private static void free(Loaded instance, int pointer, int size) {
        if (instance.dealloc() != null) {
            instance.dealloc().apply(pointer, size);
        }
    }

    private Loaded load() {
        Instance instance = WasmModules.instantiate(compiled.module(), compiled.machines(), function.limits());
        String call = batch ? function.export() + WasmModules.BATCH_SUFFIX : function.export();
        return new Loaded(instance, instance.export(call),
                WasmModules.exportsFunction(compiled.module(), WasmModules.ALLOC) ? instance.export(WasmModules.ALLOC) : null,
                WasmModules.exportsFunction(compiled.module(), WasmModules.DEALLOC) ? instance.export(WasmModules.DEALLOC)
                        : null);
    }

    private DuckDBFunctions.FunctionException failure(String why, Throwable cause) {
        return new DuckDBFunctions.FunctionException("WASM function " + function.name() + " failed on " + where + ": "
                + why, cause);
    }

    /** Interrupts the calling thread if the call outlives its time; Chicory's code checks for interruption. */
    private static final class Deadline implements Runnable {
        private final Thread thread;
        private ScheduledFuture<?> timer;
        private boolean finished;
        private boolean fired;

        Deadline(Thread thread) {
            this.thread = thread;
        }

        @Override
        public synchronized void run() {
            if (!finished) {
                fired = true;
                thread.interrupt();
            }
        }

        /** Ends the watch; the interrupt it may have sent does not outlive the call, on DuckDB's thread. */
        synchronized void finish() {
            finished = true;
            timer.cancel(false);
            if (fired) {
                Thread.interrupted();
            }
        }
    }
}
