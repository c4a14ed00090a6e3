package dev.codd.executors.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
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
 * and compiled to JVM bytecode by Chicory's compiler once, for every function that uses them.
 */
public final class WasmModules {
    /** The allocator a module exports when strings or batches cross its memory: {@code alloc(size) -> pointer}. */
    public static final String ALLOC = "alloc";
    /** Optional: {@code dealloc(pointer, size)}, called for every buffer once it has been read. */
    public static final String DEALLOC = "dealloc";
    /** The suffix of the export that takes a whole batch: {@code f_batch(in..., out, count)}. */
    public static final String BATCH_SUFFIX = "_batch";
    static final String WASI_MODULE = "wasi_snapshot_preview1";
    private static final FunctionType ALLOC_TYPE = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
    private static final FunctionType DEALLOC_TYPE = FunctionType.of(List.of(ValType.I32, ValType.I32), List.of());
    /** Function tables may hold this many entries at most: Chicory allocates them whole. */
    private static final long MAX_TABLE_ENTRIES = 100_000;
    /** What {@code wasi = true} gives: clocks, random numbers and an empty command line and environment. */
    private static final Set<String> WASI_ALLOWED = Set.of("clock_time_get", "clock_res_get", "random_get",
            "sched_yield", "args_get", "args_sizes_get", "environ_get", "environ_sizes_get");

    /** Where modules come from: the requester's own store, or the requester over the network. */
    @FunctionalInterface
    public interface Source {
        byte[] module(String cid);
    }

    /** A module parsed and compiled, ready to instantiate for any function of it. */
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

    /**
     * Parses a module; bytes that are not WebAssembly are the user's error. What the bytes of a file
     * that is no module hold is not repeated: FROM may have named any file the requester can read.
     */
    public static WasmModule parse(byte[] bytes) {
        if (bytes.length < 8 || bytes[0] != 0 || bytes[1] != 'a' || bytes[2] != 's' || bytes[3] != 'm') {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Not a WASM module: it does not start with \\0asm");
        }
        try {
            return Parser.parse(bytes);
        } catch (RuntimeException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Not a valid WASM module: " + e.getMessage(), e);
        }
    }

    /**
     * Throws {@link ErrorCode#INVALID_ARGUMENT} unless {@code module} imports only what the
     * function's limits allow, fits their memory, runs no code of its own when it starts, and exports
     * the function with the declared types. Reads the module only: nothing of it runs.
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
        if (module.startSection().isPresent()) {
            throw invalid(function, "its module has a start function, which would run outside any time limit");
        }
        int memories = module.memorySection().map(section -> section.memoryCount()).orElse(0);
        if (memories > 1) {
            throw invalid(function, "its module declares " + memories + " memories; Codd limits one");
        }
        if (memories == 1 && module.memorySection().get().getMemory(0).limits().initialPages() > function.limits().memoryPages()) {
            throw invalid(function, "its module needs " + module.memorySection().get().getMemory(0).limits().initialPages()
                    + " pages of memory to start, more than memory_pages = " + function.limits().memoryPages());
        }
        for (int i = 0; i < module.tableSection().tableCount(); i++) {
            if (module.tableSection().getTable(i).limits().max() > MAX_TABLE_ENTRIES) {
                throw invalid(function, "its module has a table that may grow past " + MAX_TABLE_ENTRIES + " entries");
            }
        }
        boolean batched = batched(module, function);
        if (batched) {
            requireType(function, function.export() + BATCH_SUFFIX,
                    exportType(module, function.export() + BATCH_SUFFIX).orElseThrow(), batchType(function));
        } else {
            FunctionType type = exportType(module, function.export()).orElseThrow(() -> invalid(function,
                    "its module exports no function " + function.export()));
            requireType(function, function.export(), type, rowType(function));
        }
        boolean strings = function.returns() == WasmType.VARCHAR || function.parameters().contains(WasmType.VARCHAR);
        if (strings || batched) {
            if (memories == 0) {
                throw invalid(function, "its module has no memory to receive strings or batches in");
            }
            requireType(function, ALLOC, exportType(module, ALLOC).orElseThrow(() -> invalid(function,
                    "its module must export " + ALLOC + "(i32) -> i32 to receive strings or batches")), ALLOC_TYPE);
        }
        Optional<FunctionType> dealloc = exportType(module, DEALLOC);
        if (dealloc.isPresent()) {
            requireType(function, DEALLOC, dealloc.get(), DEALLOC_TYPE);
        }
    }

    /** Whether {@code module} exports a function of this name. */
    static boolean exportsFunction(WasmModule module, String name) {
        return exportType(module, name).isPresent();
    }

    /** The type of the function {@code module} exports as {@code name}, if it exports one. */
    private static Optional<FunctionType> exportType(WasmModule module, String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var export = module.exportSection().getExport(i);
            if (export.name().equals(name) && export.exportType() == ExternalType.FUNCTION) {
                int index = export.index();
                int imported = module.importSection().count(ExternalType.FUNCTION);
                int typeIndex = index < imported
                        ? ((FunctionImport) module.importSection().stream()
                                .filter(candidate -> candidate.importType() == ExternalType.FUNCTION)
                                .skip(index).findFirst().orElseThrow()).typeIndex()
                        : module.functionSection().getFunctionType(index - imported);
                return Optional.of(module.typeSection().getType(typeIndex));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code function} is called once per batch: its module exports {@code EXPORT_batch}, and
     * the batch convention can carry its types (numbers only, NULLs only as NULL results).
     */
    static boolean batched(WasmModule module, WasmFunction function) {
        return !function.calledOnNullInput() && function.returns().fixedWidth()
                && function.parameters().stream().allMatch(WasmType::fixedWidth)
                && exportsFunction(module, function.export() + BATCH_SUFFIX);
    }

    /** {@code (in pointer per argument, out pointer, count) -> ()}. */
    static FunctionType batchType(WasmFunction function) {
        List<ValType> parameters = new ArrayList<>(function.parameters().stream().map(p -> ValType.I32).toList());
        parameters.add(ValType.I32);
        parameters.add(ValType.I32);
        return FunctionType.of(parameters, List.of());
    }

    static FunctionType rowType(WasmFunction function) {
        List<ValType> parameters = new ArrayList<>();
        for (WasmType parameter : function.parameters()) {
            parameters.addAll(parameter.parameters());
            if (function.calledOnNullInput()) {
                parameters.add(ValType.I32); // 1 when the argument is NULL
            }
        }
        return FunctionType.of(parameters, List.of(function.returns().result()));
    }

    /**
     * A new instance of a module {@link #check} passed, its memory held to the limit, its imports the
     * allowed WASI functions or none.
     */
    static Instance instantiate(WasmModule module, Function<Instance, Machine> machines, WasmLimits limits) {
        Instance.Builder builder = Instance.builder(module).withStart(false).withMachineFactory(machines)
                .withImportValues(limits.wasi() ? wasiImports() : ImportValues.empty());
        module.memorySection().filter(section -> section.memoryCount() > 0).ifPresent(section -> {
            MemoryLimits declared = section.getMemory(0).limits();
            builder.withMemoryLimits(new MemoryLimits(declared.initialPages(),
                    Math.min(declared.maximumPages(), limits.memoryPages())));
        });
        return builder.build();
    }

    private static ImportValues wasiImports() {
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build();
        HostFunction[] allowed = Arrays.stream(wasi.toHostFunctions())
                .filter(function -> WASI_ALLOWED.contains(function.name()))
                .toArray(HostFunction[]::new);
        return ImportValues.builder().addFunction(allowed).build();
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
