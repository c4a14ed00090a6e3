package dev.codd.executors.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.codd.common.Cid;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * WASM modules by CID: fetched once from where they are kept, checked against their CID, parsed,
 * and compiled to JVM bytecode by Chicory's compiler once for every function that uses them.
 */
public final class WasmModules {
    /** The allocator a module exports when strings or batches cross its memory: {@code alloc(size) -> pointer}. */
    public static final String ALLOC = "alloc";
    /** Optional: {@code dealloc(pointer, size)}, called for every buffer once it has been read. */
    public static final String DEALLOC = "dealloc";
    /** The suffix of the export that takes a whole batch: {@code f_batch(in..., out, count)}. */
    public static final String BATCH_SUFFIX = "_batch";
    static final String WASI_MODULE = "wasi_snapshot_preview1";
    /** What {@code wasi = true} gives: clocks, random numbers and an empty command line and environment. */
    private static final Set<String> WASI_ALLOWED = Set.of("clock_time_get", "clock_res_get", "random_get",
            "sched_yield", "args_get", "args_sizes_get", "environ_get", "environ_sizes_get");

    /** Where modules come from: the requester's own store, or the requester over the network. */
    @FunctionalInterface
    public interface Source {
        byte[] module(String cid);
    }

    /** A module ready to instantiate, for one function of it. */
    record Compiled(WasmModule module, Function<Instance, Machine> machines) {}

    private final Source source;
    private final ConcurrentMap<String, Compiled> byCid = new ConcurrentHashMap<>();

    public WasmModules(Source source) {
        this.source = source;
    }

    /** The module of {@code function}, compiled, after checking that it provides the function as declared. */
    Compiled compiled(WasmFunction function) {
        Compiled compiled = byCid.computeIfAbsent(function.cid(), cid -> {
            byte[] bytes = source.module(cid);
            if (!Cid.of(bytes).equals(cid)) {
                throw new CoddException(ErrorCode.FRAGMENT_REFUSED, "WASM module " + cid + " arrived with other content");
            }
            WasmModule module = parse(bytes);
            return new Compiled(module, MachineFactoryCompiler.compile(module));
        });
        check(compiled.module(), function);
        return compiled;
    }

    /** Parses a module; bytes that are not WebAssembly are the user's error. */
    public static WasmModule parse(byte[] bytes) {
        try {
            return Parser.parse(bytes);
        } catch (ChicoryException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Not a valid WASM module: " + e.getMessage(), e);
        }
    }

    /**
     * Throws {@link ErrorCode#INVALID_ARGUMENT} unless {@code module} imports only what the
     * function's limits allow, fits their memory, and exports the function with the declared types.
     */
    public static void check(WasmModule module, WasmFunction function) {
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imported = module.importSection().getImport(i);
            boolean wasi = imported.importType() == ExternalType.FUNCTION && imported.module().equals(WASI_MODULE)
                    && WASI_ALLOWED.contains(imported.name());
            if (!wasi || !function.limits().wasi()) {
                throw invalid(function, "its module imports " + imported.module() + "." + imported.name()
                        + (wasi ? ", which needs WITH (wasi = true)"
                                : ", which Codd does not provide: a function may import only WASI's clocks and random"
                                + " numbers, and only WITH (wasi = true)"));
            }
        }
        Instance probe = instantiate(module, null, function.limits());
        Optional<FunctionType> batch = exported(probe, function.export() + BATCH_SUFFIX);
        if (batch.isPresent() && batchUsable(function)) {
            requireType(function, function.export() + BATCH_SUFFIX, batch.get(), batchType(function));
        } else {
            FunctionType type = exported(probe, function.export()).orElseThrow(() -> invalid(function,
                    "its module exports no function " + function.export()));
            requireType(function, function.export(), type, rowType(function));
        }
        boolean strings = function.returns() == WasmType.VARCHAR || function.parameters().contains(WasmType.VARCHAR);
        if ((strings || batch.isPresent() && batchUsable(function))
                && exported(probe, ALLOC).filter(type -> type.equals(
                        FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)))).isEmpty()) {
            throw invalid(function, "its module must export " + ALLOC + "(i32) -> i32 to receive strings or batches");
        }
    }

    /** The batch convention carries numbers only. */
    static boolean batchUsable(WasmFunction function) {
        return function.returns().fixedWidth() && function.parameters().stream().allMatch(WasmType::fixedWidth);
    }

    /** {@code (in pointer per argument, out pointer, count) -> ()}. */
    static FunctionType batchType(WasmFunction function) {
        List<ValType> parameters = new ArrayList<>(function.parameters().stream().map(p -> ValType.I32).toList());
        parameters.add(ValType.I32);
        parameters.add(ValType.I32);
        return FunctionType.of(parameters, List.of());
    }

    static FunctionType rowType(WasmFunction function) {
        return FunctionType.of(function.parameters().stream().flatMap(p -> p.parameters().stream()).toList(),
                List.of(function.returns().result()));
    }

    /** A new instance, its memory held to the limit, its imports the allowed WASI functions or none. */
    static Instance instantiate(WasmModule module, Function<Instance, Machine> machines, WasmLimits limits) {
        Instance.Builder builder = Instance.builder(module).withStart(false)
                .withImportValues(limits.wasi() ? wasiImports() : ImportValues.empty());
        Optional<MemoryLimits> declared = module.memorySection()
                .filter(section -> section.memoryCount() > 0)
                .map(section -> section.getMemory(0).limits());
        if (declared.isPresent()) {
            int initial = declared.get().initialPages();
            if (initial > limits.memoryPages()) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "The WASM module needs " + initial
                        + " pages of memory to start, more than memory_pages = " + limits.memoryPages());
            }
            builder.withMemoryLimits(new MemoryLimits(initial,
                    Math.min(declared.get().maximumPages(), limits.memoryPages())));
        }
        if (machines != null) {
            builder.withMachineFactory(machines);
        }
        try {
            return builder.build();
        } catch (ChicoryException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "The WASM module cannot start: " + e.getMessage(), e);
        }
    }

    private static ImportValues wasiImports() {
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build();
        HostFunction[] allowed = Arrays.stream(wasi.toHostFunctions())
                .filter(function -> WASI_ALLOWED.contains(function.name()))
                .toArray(HostFunction[]::new);
        return ImportValues.builder().addFunction(allowed).build();
    }

    private static Optional<FunctionType> exported(Instance instance, String name) {
        return hasFunctionExport(instance.module(), name) ? Optional.of(instance.exportType(name)) : Optional.empty();
    }

    private static boolean hasFunctionExport(WasmModule module, String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var export = module.exportSection().getExport(i);
            if (export.name().equals(name) && export.exportType() == ExternalType.FUNCTION) {
                return true;
            }
        }
        return false;
    }

    private static void requireType(WasmFunction function, String export, FunctionType actual, FunctionType expected) {
        if (!actual.equals(expected)) {
            throw invalid(function, "its export " + export + " has type " + describe(actual) + ", but "
                    + function.signature() + " needs " + describe(expected));
        }
    }

    /** As WebAssembly's text format writes types: {@code (i64, f64) -> i64}. */
    private static String describe(FunctionType type) {
        return "(" + names(type.params()) + ") -> " + (type.returns().isEmpty() ? "()" : names(type.returns()));
    }

    private static String names(List<ValType> types) {
        return types.stream().map(type -> type.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    private static CoddException invalid(WasmFunction function, String why) {
        return new CoddException(ErrorCode.INVALID_ARGUMENT, "WASM function " + function.name() + " cannot run: " + why);
    }
}
