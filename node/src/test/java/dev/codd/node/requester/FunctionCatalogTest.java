package dev.codd.node.requester;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.Cid;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.wasm.WasmLimits;
import dev.codd.executors.wasm.WasmType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CREATE and DROP FUNCTION as the requester reads them, and the catalog that keeps functions across restarts. */
class FunctionCatalogTest {
    /** {@code (module (func (export "f") (param i64) (result i64) local.get 0))}, encoded by hand. */
    private static final byte[] IDENTITY = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7e, 0x01, 0x7e,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b};

    private static FunctionDdl parse(String sql) {
        return FunctionDdl.parse(sql).orElseThrow();
    }

    @Test
    void readsEveryClause() {
        FunctionDdl.Create create = (FunctionDdl.Create) parse("create or replace function \"My Fn\"(a BIGINT, DOUBLE PRECISION,"
                + " b varchar) returns double language wasm from '/m/it''s.wasm' export 'go'"
                + " with (timeout_ms = 50, memory_pages = 8, wasi = TRUE);");
        assertEquals("My Fn", create.name());
        assertTrue(create.orReplace());
        assertEquals(List.of(new FunctionDdl.Parameter("a", WasmType.BIGINT), new FunctionDdl.Parameter("arg2", WasmType.DOUBLE),
                new FunctionDdl.Parameter("b", WasmType.VARCHAR)), create.parameters());
        assertEquals(WasmType.DOUBLE, create.returns());
        assertEquals("/m/it's.wasm", create.source());
        assertEquals("go", create.export());
        assertEquals(new WasmLimits(50, 8, true), create.limits());

        assertTrue(((FunctionDdl.Create) parse("CREATE FUNCTION f(INT) RETURNS INT CALLED ON NULL INPUT LANGUAGE WASM"
                + " FROM 'x'")).calledOnNullInput());
        assertTrue(((FunctionDdl.Create) parse("CREATE FUNCTION f(INT) RETURNS INT LANGUAGE WASM FROM 'x' EXPORT 'g'"
                + " CALLED ON NULL INPUT")).calledOnNullInput());
        FunctionDdl.Create plain = (FunctionDdl.Create) parse("CREATE FUNCTION f() RETURNS INT RETURNS NULL ON NULL INPUT"
                + " LANGUAGE WASM FROM 'x'");
        assertTrue(!plain.calledOnNullInput());
        assertEquals(List.of(), plain.parameters());
        assertEquals(null, plain.export());
        assertEquals(WasmLimits.DEFAULT, plain.limits());

        assertEquals(new FunctionDdl.Drop("f", true), parse("DROP FUNCTION IF EXISTS f"));
        assertEquals(Optional.empty(), FunctionDdl.parse("CREATE TABLE t (x INT)"));
        assertEquals(Optional.empty(), FunctionDdl.parse("SELECT 'CREATE FUNCTION'"));
    }

    @Test
    void malformedStatementsSayWhere() {
        CoddException trailing = assertThrows(CoddException.class,
                () -> parse("DROP FUNCTION f g"));
        assertEquals(ErrorCode.SYNTAX_ERROR, trailing.errorCode());
        assertEquals("Syntax error at character 17: unexpected 'g'", trailing.getMessage());
        CoddException unclosed = assertThrows(CoddException.class,
                () -> parse("CREATE FUNCTION f(x BIGINT RETURNS BIGINT"));
        assertEquals("Syntax error at character 28: expected ')' but found 'RETURNS BIGINT'", unclosed.getMessage());
        CoddException limit = assertThrows(CoddException.class,
                () -> parse("CREATE FUNCTION f() RETURNS INT LANGUAGE WASM FROM 'x' WITH (memory_pages = 0)"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, limit.errorCode());
    }

    @Test
    void functionsAndModulesOutliveTheRequester(@TempDir Path directory) throws Exception {
        Path module = Files.write(directory.resolve("identity.wasm"), IDENTITY);
        Path kept = directory.resolve("functions");
        FunctionCatalog catalog = FunctionCatalog.open(kept);
        FunctionCatalog.StoredFunction created = catalog.create((FunctionDdl.Create) parse(
                "CREATE FUNCTION same(v BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '" + module + "' EXPORT 'f'"), "ada");
        assertEquals(Cid.of(IDENTITY), created.function().cid());
        // a second function over the stored module, named by its CID: the file is not needed any more
        Files.delete(module);
        catalog.create((FunctionDdl.Create) parse("CREATE FUNCTION also(BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                + Cid.of(IDENTITY) + "' EXPORT 'f'"), "ada");

        FunctionCatalog reopened = FunctionCatalog.open(kept);
        assertEquals(List.of("also", "same"), reopened.all().stream().map(stored -> stored.function().name()).toList());
        assertEquals(created, reopened.all().get(1));
        assertArrayEquals(IDENTITY, reopened.module(Cid.of(IDENTITY)));
        assertEquals(List.of(created.function()), reopened.definitions(java.util.Set.of(created.function().internalName())));

        reopened.drop(new FunctionDdl.Drop("same", false));
        assertEquals(List.of("also"), FunctionCatalog.open(kept).all().stream().map(s -> s.function().name()).toList());
        CoddException missing = assertThrows(CoddException.class, () -> reopened.drop(new FunctionDdl.Drop("same", false)));
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, missing.errorCode());
        CoddException unknownCid = assertThrows(CoddException.class, () -> reopened.module(Cid.of(new byte[] {1})));
        assertEquals(ErrorCode.FRAGMENT_REFUSED, unknownCid.errorCode());
    }

    @Test
    void withoutADirectoryTheCatalogLivesInMemory(@TempDir Path directory) throws Exception {
        Path module = Files.write(directory.resolve("identity.wasm"), IDENTITY);
        FunctionCatalog catalog = FunctionCatalog.open(null);
        catalog.create((FunctionDdl.Create) parse("CREATE FUNCTION f(BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                + module + "'"), "ada");
        assertArrayEquals(IDENTITY, catalog.module(Cid.of(IDENTITY)));
        try (var files = Files.list(directory)) {
            assertEquals(1, files.count(), "nothing written beside the module");
        }
    }
}
