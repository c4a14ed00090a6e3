package dev.codd.tests;

import static dev.codd.tests.QueryAssertions.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import dev.codd.node.requester.QueryRecord;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users' WASM functions, registered through JDBC and run on the nodes inside their fragments:
 * modules built from the .wat and C sources in examples/wasm, results compared with the same logic
 * written in SQL over DuckDB alone, and the misbehaving ones failing only their own query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WasmFunctionsTest {
    private static final String PAYMENTS = "SELECT range AS id,"
            + " ['north', 'south', 'east', 'west'][(range % 4 + 1)::INTEGER] AS region,"
            + " (range % 1000) * 1.5 AS amount,"
            + " (range % 97)::INTEGER AS n,"
            + " ((range % 50) / 4)::REAL AS r,"
            + " CASE WHEN range % 5 = 0 THEN NULL ELSE range END AS maybe,"
            + " ['paid 5€ for tea', 'Refund', '', 'invoice #' || range, 'ÀB'][(range % 5 + 1)::INTEGER] AS note";

    private final List<Path> nodes = new ArrayList<>();
    private LocalCluster cluster;
    private Connection codd;
    private Connection duckdb;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Path table = Files.createDirectories(root.resolve("node" + (i + 1)).resolve("payments"));
                statement.execute("COPY (" + PAYMENTS + " FROM range(" + i * 30_000 + ", " + (i + 1) * 30_000 + ")) TO '"
                        + table.resolve("part.parquet") + "'");
                nodes.add(table.getParent());
            }
            statement.execute("CREATE VIEW payments AS SELECT * FROM '" + root + "/node*/payments/*.parquet'");
        }
        cluster = LocalCluster.start(nodes);
        Properties properties = new Properties();
        properties.setProperty("user", "ada");
        codd = DriverManager.getConnection(cluster.jdbcUrl(), properties);
    }

    @AfterAll
    void stop() throws Exception {
        codd.close();
        cluster.close();
        duckdb.close();
    }

    /** The module built from examples/wasm/NAME.wat or NAME.c; the test skips without wabt and clang, unless required. */
    private static String module(String name) throws URISyntaxException {
        URL url = WasmFunctionsTest.class.getResource("/wasm/" + name + ".wasm");
        if (Boolean.getBoolean("codd.require.wasm")) {
            assertTrue(url != null, "WASM module " + name + " was not built: install wabt, clang and lld");
        }
        Assumptions.assumeTrue(url != null, "WASM test modules not built: install wabt, clang and lld");
        return Path.of(url.toURI()).toString();
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = codd.createStatement()) {
            assertFalse(statement.execute(sql), "a function statement returns no result set");
            assertEquals(0, statement.getUpdateCount());
        }
    }

    private void create(String signature, String module, String rest) throws Exception {
        execute("CREATE OR REPLACE FUNCTION " + signature + " LANGUAGE WASM FROM '" + module(module) + "' " + rest);
    }

    private void assertSameAsDuckDb(String withFunction, String inSql) throws SQLException {
        assertEquals(numbers(duckdb, inSql), numbers(codd, withFunction), withFunction);
    }

    private SQLException failure(String sql) {
        return assertThrows(SQLException.class, () -> numbers(codd, sql), sql);
    }

    @Test
    void numbersCrossAsThemselves() throws Exception {
        create("twice_plus_one(x BIGINT) RETURNS BIGINT", "numbers", "");
        create("hypot(a DOUBLE, b DOUBLE) RETURNS DOUBLE", "numbers", "");
        create("is_even(INTEGER) RETURNS BOOLEAN", "numbers", "");
        create("half(x REAL) RETURNS REAL", "numbers", "");
        assertSameAsDuckDb("SELECT region, sum(twice_plus_one(id)), count(*) FROM payments GROUP BY region ORDER BY region",
                "SELECT region, sum(id * 2 + 1), count(*) FROM payments GROUP BY region ORDER BY region");
        assertSameAsDuckDb("SELECT id, hypot(amount, n), half(r), is_even(n) FROM payments WHERE id % 7919 = 3 ORDER BY id",
                "SELECT id, sqrt(amount * amount + n * n), r / 2, n % 2 = 0 FROM payments WHERE id % 7919 = 3 ORDER BY id");
        // an INTEGER argument to a BIGINT parameter is cast, as SQL does
        assertSameAsDuckDb("SELECT sum(twice_plus_one(n)) FROM payments", "SELECT sum(n * 2 + 1) FROM payments");
        // NULL in, NULL out, without a call
        assertSameAsDuckDb("SELECT count(twice_plus_one(maybe)), sum(twice_plus_one(maybe)) FROM payments",
                "SELECT count(maybe), sum(maybe * 2 + 1) FROM payments");
    }

    @Test
    void aFunctionCalledOnNullInputSeesTheNulls() throws Exception {
        create("or_minus_one(x BIGINT) RETURNS BIGINT CALLED ON NULL INPUT", "nulls", "");
        assertSameAsDuckDb("SELECT count(*), sum(or_minus_one(maybe)), min(or_minus_one(maybe)) FROM payments",
                "SELECT count(*), sum(coalesce(maybe, -1)), min(coalesce(maybe, -1)) FROM payments");
        assertSameAsDuckDb("SELECT or_minus_one(NULL), or_minus_one(5)", "SELECT -1, 5");
        assertEquals(List.of(List.of("or_minus_one(x BIGINT) RETURNS BIGINT CALLED ON NULL INPUT")),
                numbers(codd, "SELECT signature FROM sys.functions WHERE name = 'or_minus_one'"));
    }

    @Test
    void aFunctionInWhereFiltersOnTheNodes() throws Exception {
        create("is_even(INTEGER) RETURNS BOOLEAN", "numbers", "");
        assertSameAsDuckDb("SELECT count(*) FROM payments WHERE is_even(n)", "SELECT count(*) FROM payments WHERE n % 2 = 0");
        QueryRecord query = lastQuery("WHERE is_even(n)");
        assertEquals(3, query.traffic().stream().mapToLong(QueryRecord.NodeTraffic::rows).sum(),
                "each node sends its count, not its rows");
    }

    @Test
    void onlyAggregatesLeaveTheNodesForAFunctionInAGroupedQuery() throws Exception {
        create("risk(amount DOUBLE) RETURNS DOUBLE", "strings", "");
        assertSameAsDuckDb("SELECT region, round(avg(risk(amount)), 9) FROM payments GROUP BY region ORDER BY region",
                "SELECT region, round(avg(CASE WHEN amount <= 0 THEN 0 ELSE amount / (amount + 1000.0) END), 9)"
                        + " FROM payments GROUP BY region ORDER BY region");
        QueryRecord query = lastQuery("avg(risk(amount))");
        long rowsFromNodes = query.traffic().stream().mapToLong(QueryRecord.NodeTraffic::rows).sum();
        assertTrue(rowsFromNodes <= 3 * 4, "at most one partial aggregate per region and node, not " + rowsFromNodes);
        List<List<Object>> plan = numbers(codd, "EXPLAIN SELECT region, avg(risk(amount)) FROM payments GROUP BY region");
        String nodeSql = plan.stream().filter(step -> !"requester".equals(step.get(1))).map(step -> (String) step.get(3))
                .findFirst().orElseThrow();
        assertTrue(nodeSql.toLowerCase(java.util.Locale.ROOT).contains("codd_wasm_") && nodeSql.contains("GROUP BY"),
                nodeSql);
    }

    @Test
    void stringsCrossThroughMemory() throws Exception {
        create("shout_reversed(note VARCHAR) RETURNS VARCHAR", "strings", "");
        create("vowels(note VARCHAR) RETURNS INTEGER", "strings", "");
        assertSameAsDuckDb("SELECT note, shout_reversed(note), vowels(note), count(*) FROM payments"
                        + " WHERE id % 1000 < 10 GROUP BY 1, 2, 3 ORDER BY note",
                "SELECT note, reverse(upper(note)), length(regexp_replace(lower(note), '[^aeiou]', '', 'g')), count(*)"
                        + " FROM payments WHERE id % 1000 < 10 GROUP BY 1, 2, 3 ORDER BY note");
    }

    @Test
    void aModuleThatExportsABatchFunctionIsCalledOncePerBatch() throws Exception {
        create("tpo_batch(x BIGINT) RETURNS BIGINT", "batch", "EXPORT 'twice_plus_one'");
        assertSameAsDuckDb("SELECT region, sum(tpo_batch(id)), count(tpo_batch(maybe)), sum(tpo_batch(maybe))"
                        + " FROM payments GROUP BY region ORDER BY region",
                "SELECT region, sum(id * 2 + 1), count(maybe), sum(maybe * 2 + 1) FROM payments GROUP BY region ORDER BY region");
    }

    @Test
    void functionsRunAtTheRequesterTooOverWhatTheNodesSent() throws Exception {
        create("twice_plus_one(x BIGINT) RETURNS BIGINT", "numbers", "");
        assertSameAsDuckDb("SELECT twice_plus_one(count(*)) FROM payments", "SELECT count(*) * 2 + 1 FROM payments");
        assertSameAsDuckDb("SELECT twice_plus_one(count(*)) FROM sys.nodes", "SELECT 7");
    }

    @Test
    void aPreparedStatementTakesParametersForAFunction() throws Exception {
        create("twice_plus_one(x BIGINT) RETURNS BIGINT", "numbers", "");
        try (PreparedStatement statement = codd.prepareStatement(
                "SELECT twice_plus_one(?), count(*) FROM payments WHERE twice_plus_one(id) < ?")) {
            statement.setLong(1, 20);
            statement.setLong(2, 100);
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                assertEquals(41, result.getLong(1));
                assertEquals(50, result.getLong(2));
            }
        }
    }

    @Test
    void misbehavingFunctionsFailTheirQueryAndTheNodesKeepServing() throws Exception {
        create("trap(x BIGINT) RETURNS BIGINT", "misbehaving", "");
        create("spin(x BIGINT) RETURNS BIGINT", "misbehaving", "WITH (timeout_ms = 200)");
        create("bomb(x BIGINT) RETURNS BIGINT", "misbehaving", "WITH (memory_pages = 16)");

        SQLException trapped = failure("SELECT sum(trap(id)) FROM payments");
        assertEquals("38000", trapped.getSQLState(), trapped.getMessage());
        assertTrue(trapped.getMessage().matches("WASM function trap failed on node node\\d: it trapped: .*unreachable.*"),
                trapped.getMessage()); // one line: no Java stack trace reaches the user

        SQLException looped = failure("SELECT sum(spin(id)) FROM payments");
        assertEquals("38000", looped.getSQLState());
        assertTrue(looped.getMessage().contains("WASM function spin failed on node node")
                && looped.getMessage().contains("longer than timeout_ms = 200"), looped.getMessage());

        SQLException bombed = failure("SELECT sum(bomb(id)) FROM payments");
        assertEquals("38000", bombed.getSQLState());
        assertTrue(bombed.getMessage().contains("WASM function bomb failed on node node")
                && bombed.getMessage().contains("memory_pages = 16"), bombed.getMessage());

        assertEquals(List.of(List.of(90_000L)), numbers(codd, "SELECT count(*) FROM payments"));
        assertTrue(cluster.nodes().stream().allMatch(node -> node.runningFragments() == 0));
    }

    @Test
    void aModuleMayImportNothingButWasiClocksAndRandomWhenAllowed() throws Exception {
        SQLException forbidden = assertThrows(SQLException.class,
                () -> create("sneaky(x BIGINT) RETURNS BIGINT", "forbidden", ""));
        assertEquals("22023", forbidden.getSQLState());
        assertTrue(forbidden.getMessage().contains("imports env.open_file, which Codd does not provide"),
                forbidden.getMessage());

        SQLException noWasi = assertThrows(SQLException.class,
                () -> create("after_epoch(x BIGINT) RETURNS BIGINT", "clock", ""));
        assertTrue(noWasi.getMessage().contains("wasi_snapshot_preview1.clock_time_get, which needs WITH (wasi = true)"),
                noWasi.getMessage());
        create("after_epoch(x BIGINT) RETURNS BIGINT", "clock", "WITH (wasi = true)");
        assertEquals(List.of(List.of(true)), numbers(codd, "SELECT min(after_epoch(id)) > 1600000000000000000 FROM payments"));
    }

    @Test
    void functionsAreListedAndDropped() throws Exception {
        create("vowels(note VARCHAR) RETURNS INTEGER", "strings", "WITH (timeout_ms = 500, memory_pages = 32)");
        List<List<Object>> listed = numbers(codd, "SELECT signature, language, module_cid LIKE 'bafkrei%', export,"
                + " timeout_ms, memory_pages, wasi, owner FROM sys.functions WHERE name = 'vowels'");
        assertEquals(List.of(List.of("vowels(note VARCHAR) RETURNS INTEGER", "WASM", true, "vowels", 500L, 32L, false,
                "ada")), listed);
        try (ResultSet functions = codd.getMetaData().getFunctions(null, null, "vow%")) {
            assertTrue(functions.next());
            assertEquals("vowels", functions.getString("FUNCTION_NAME"));
            assertEquals("main", functions.getString("FUNCTION_SCHEM"));
            assertEquals("vowels(note VARCHAR) RETURNS INTEGER", functions.getString("SPECIFIC_NAME"));
            assertFalse(functions.next());
        }
        try (Statement statement = codd.createStatement()) {
            assertEquals(0, statement.executeUpdate("DROP FUNCTION vowels"));
        }
        assertEquals(List.of(), numbers(codd, "SELECT name FROM sys.functions WHERE name = 'vowels'"));
        SQLException gone = failure("SELECT vowels(note) FROM payments");
        assertEquals("42883", gone.getSQLState());
        try (PreparedStatement statement = codd.prepareStatement("DROP FUNCTION IF EXISTS vowels")) {
            assertEquals(0, statement.getMetaData() == null ? 0 : statement.getMetaData().getColumnCount());
            assertEquals(0, statement.executeUpdate());
            assertFalse(statement.execute());
        }
    }

    @Test
    void badStatementsAreClearErrors() throws Exception {
        String numbers = module("numbers");
        assertError("42000", "expected RETURNS", "CREATE FUNCTION f(x BIGINT) LANGUAGE WASM FROM '" + numbers + "'");
        assertError("0A000", "cannot take or return DATE", "CREATE FUNCTION f(x DATE) RETURNS BIGINT LANGUAGE WASM FROM '"
                + numbers + "'");
        assertError("0A000", "written in WASM, not PYTHON", "CREATE FUNCTION f(x BIGINT) RETURNS BIGINT LANGUAGE PYTHON"
                + " FROM 'f.py'");
        assertError("22023", "No WASM module file /nowhere/f.wasm on the requester",
                "CREATE FUNCTION f(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '/nowhere/f.wasm'");
        assertError("22023", "exports no function missing", "CREATE FUNCTION missing(x BIGINT) RETURNS BIGINT"
                + " LANGUAGE WASM FROM '" + numbers + "'");
        assertError("22023", "has type (i64) -> i64, but twice_plus_one(DOUBLE) RETURNS BIGINT needs (f64) -> i64",
                "CREATE FUNCTION twice_plus_one(x DOUBLE) RETURNS BIGINT LANGUAGE WASM FROM '" + numbers + "'");
        assertError("22023", "Not a WASM module: it does not start with", "CREATE FUNCTION f(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                + Path.of(numbers).getParent().resolveSibling("simplelogger.properties") + "'");
        assertError("22023", "Unknown option speed", "CREATE FUNCTION twice_plus_one(x BIGINT) RETURNS BIGINT"
                + " LANGUAGE WASM FROM '" + numbers + "' WITH (speed = 11)");
        assertError("0A000", "limit time with timeout_ms", "CREATE FUNCTION twice_plus_one(x BIGINT) RETURNS BIGINT"
                + " LANGUAGE WASM FROM '" + numbers + "' WITH (fuel = 1000)");
        assertError("42723", "abs is built in", "CREATE FUNCTION abs(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                + numbers + "' EXPORT 'twice_plus_one'");
        execute("CREATE OR REPLACE FUNCTION twice_plus_one(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '" + numbers + "'");
        assertError("42723", "exists", "CREATE FUNCTION twice_plus_one(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                + numbers + "'");
        assertError("42883", "No function nothing_here exists", "DROP FUNCTION nothing_here");
        assertError("22023", "is not a regular file", "CREATE FUNCTION f(x BIGINT) RETURNS BIGINT LANGUAGE WASM"
                + " FROM '/dev/zero'");
        assertError("22023", "No WASM module with CID bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa is stored",
                "CREATE FUNCTION f(x BIGINT) RETURNS BIGINT LANGUAGE WASM"
                + " FROM 'bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
        assertError("22023", "has a start function", "CREATE FUNCTION same(x BIGINT) RETURNS BIGINT LANGUAGE WASM"
                + " FROM '" + module("starts") + "'");
        assertError("22023", "memory_pages must be between 1 and 16384", "CREATE FUNCTION twice_plus_one(x BIGINT)"
                + " RETURNS BIGINT LANGUAGE WASM FROM '" + numbers + "' WITH (memory_pages = 20000)");
    }

    private void assertError(String sqlState, String fragment, String sql) {
        SQLException error = assertThrows(SQLException.class, () -> execute(sql), sql);
        assertEquals(sqlState, error.getSQLState(), error.getMessage());
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
    }

    private QueryRecord lastQuery(String containing) {
        return cluster.requester().queries().recent().stream()
                .filter(query -> query.sql().contains(containing))
                .findFirst().orElseThrow(); // newest first
    }
}
