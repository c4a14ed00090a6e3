package dev.codd.node.requester;

import dev.codd.common.Cid;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.wasm.WasmFunction;
import dev.codd.executors.wasm.WasmFunctions;
import dev.codd.node.wire.WireJson;
import dev.codd.planner.QueryPlanner;
import dev.codd.planner.catalog.UserFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The functions users registered, and their modules by CID. Kept in a directory, so they outlive
 * the requester: {@code functions.json} and {@code modules/CID.wasm}, each written whole and then
 * moved into place; or in memory only, when the requester is given no directory.
 */
final class FunctionCatalog {
    /** Larger modules are refused: they travel to each node in one message. */
    static final int MAX_MODULE_BYTES = 64 << 20;
    private static final Pattern CID = Pattern.compile("b[a-z2-7]{58}");

    /** A registered function, with who registered it and when. */
    record StoredFunction(WasmFunction function, List<String> parameterNames, String owner, String created) {}

    /** What {@code functions.json} holds. */
    record Stored(List<StoredFunction> functions) {}

    private final Path directory;
    private final Map<String, StoredFunction> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, byte[]> modulesInMemory = new ConcurrentHashMap<>();
    /** Every definition this requester has known, by internal name: a query that planned one may run after a DROP. */
    private final Map<String, WasmFunction> defined = new ConcurrentHashMap<>();

    private FunctionCatalog(Path directory) {
        this.directory = directory;
    }

    /** The catalog kept in {@code directory}, created if new; null keeps it in memory. */
    static FunctionCatalog open(Path directory) {
        FunctionCatalog catalog = new FunctionCatalog(directory);
        if (directory == null) {
            return catalog;
        }
        try {
            Files.createDirectories(directory.resolve("modules"));
            Path file = directory.resolve("functions.json");
            if (Files.exists(file)) {
                for (StoredFunction stored : WireJson.read(Files.readAllBytes(file), Stored.class).functions()) {
                    catalog.byName.put(stored.function().name(), stored);
                    catalog.defined.put(stored.function().internalName(), stored.function());
                }
            }
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Cannot read the functions in " + directory + ": " + e, e);
        }
        return catalog;
    }

    /** Registers a function; its module is read and checked before the catalog is locked, which planning needs. */
    StoredFunction create(FunctionDdl.Create ddl, String owner) {
        if (QueryPlanner.isBuiltInFunction(ddl.name())) {
            throw new CoddException(ErrorCode.FUNCTION_EXISTS, "Function " + ddl.name() + " is built in; choose another name");
        }
        byte[] module = read(ddl.source());
        String cid = Cid.of(module);
        WasmFunction function = new WasmFunction(ddl.name(), cid, ddl.export() != null ? ddl.export() : ddl.name(),
                ddl.parameters().stream().map(FunctionDdl.Parameter::type).toList(), ddl.returns(),
                ddl.calledOnNullInput(), ddl.limits());
        WasmFunctions.check(module, function);
        StoredFunction stored = new StoredFunction(function,
                ddl.parameters().stream().map(FunctionDdl.Parameter::name).toList(), owner, Instant.now().toString());
        return store(stored, module, ddl.orReplace());
    }

    private synchronized StoredFunction store(StoredFunction stored, byte[] module, boolean orReplace) {
        WasmFunction function = stored.function();
        if (byName.containsKey(function.name()) && !orReplace) {
            throw new CoddException(ErrorCode.FUNCTION_EXISTS, "Function " + function.name() + " exists; DROP it first or "
                    + "write CREATE OR REPLACE FUNCTION");
        }
        keep(function.cid(), module);
        StoredFunction replaced = byName.put(function.name(), stored);
        try {
            save();
        } catch (CoddException e) {
            restore(function.name(), replaced);
            throw e;
        }
        defined.put(function.internalName(), function);
        return stored;
    }

    synchronized void drop(FunctionDdl.Drop ddl) {
        StoredFunction dropped = byName.remove(ddl.name());
        if (dropped == null) {
            if (ddl.ifExists()) {
                return;
            }
            throw new CoddException(ErrorCode.FUNCTION_NOT_FOUND, "No function " + ddl.name() + " exists");
        }
        try {
            save();
        } catch (CoddException e) {
            restore(ddl.name(), dropped);
            throw e;
        }
    }

    private void restore(String name, StoredFunction previous) {
        if (previous == null) {
            byName.remove(name);
        } else {
            byName.put(name, previous);
        }
    }

    synchronized List<StoredFunction> all() {
        return List.copyOf(byName.values());
    }

    /** The functions as the planner sees them. */
    static List<UserFunction> forPlanner(Collection<StoredFunction> functions) {
        return functions.stream().map(stored -> new UserFunction(stored.function().name(),
                stored.function().internalName(),
                stored.function().parameters().stream().map(Enum::name).toList(),
                stored.function().returns().name(), !stored.function().limits().wasi())).toList();
    }

    /** The definitions behind these internal names, for the fragments that call them. */
    List<WasmFunction> definitions(Set<String> internalNames) {
        List<WasmFunction> functions = new ArrayList<>();
        for (String name : internalNames) {
            WasmFunction function = defined.get(name);
            if (function == null) {
                throw new CoddException(ErrorCode.INTERNAL_ERROR, "No function is defined as " + name);
            }
            functions.add(function);
        }
        return functions;
    }

    /** The module stored under {@code cid}. */
    byte[] module(String cid) {
        byte[] kept = directory == null ? modulesInMemory.get(cid) : readModule(cid);
        if (kept == null) {
            throw new CoddException(ErrorCode.FRAGMENT_REFUSED, "No WASM module has CID " + cid);
        }
        return kept;
    }

    private byte[] readModule(String cid) {
        if (!CID.matcher(cid).matches()) {
            return null;
        }
        try {
            return Files.readAllBytes(directory.resolve("modules").resolve(cid + ".wasm"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot read WASM module " + cid + ": " + e, e);
        }
    }

    /**
     * A module from a regular file on the requester's machine (no device or pipe, which could stall
     * it), or one stored already, named by its CID.
     */
    private byte[] read(String source) {
        if (CID.matcher(source).matches()) {
            byte[] stored = directory == null ? modulesInMemory.get(source) : readModule(source);
            if (stored == null) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "No WASM module with CID " + source
                        + " is stored on the requester");
            }
            return stored;
        }
        try {
            Path file = Path.of(source);
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "WASM module " + source + " is not a regular file");
            }
            byte[] module;
            try (InputStream in = Files.newInputStream(file)) {
                module = in.readNBytes(MAX_MODULE_BYTES + 1);
            }
            if (module.length > MAX_MODULE_BYTES) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "WASM module " + source + " is larger than "
                        + (MAX_MODULE_BYTES >> 20) + " MiB");
            }
            return module;
        } catch (NoSuchFileException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "No WASM module file " + source
                    + " on the requester (FROM takes a path on the requester's machine, or the CID of a stored module)");
        } catch (AccessDeniedException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "The requester may not read " + source);
        } catch (IOException | InvalidPathException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Cannot read WASM module " + source + ": "
                    + e.getMessage(), e);
        }
    }

    private void keep(String cid, byte[] module) {
        if (directory == null) {
            modulesInMemory.put(cid, module);
            return;
        }
        Path target = directory.resolve("modules").resolve(cid + ".wasm");
        if (!Files.exists(target)) {
            writeAtomically(target, module);
        }
    }

    private void save() {
        if (directory != null) {
            writeAtomically(directory.resolve("functions.json"), WireJson.write(new Stored(List.copyOf(byName.values()))));
        }
    }

    /** Writes a file next to its place, syncs it and moves it there: a crash leaves the old file or the new. */
    private static void writeAtomically(Path target, byte[] content) {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot write " + target + ": " + e, e);
        }
    }
}
