package dev.codd.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FragmentValidatorTest {
    private static final Set<String> BOUND = Set.of("lineitem", "orders");
    private DuckDbExecutor duckdb;

    @BeforeAll
    void open(@TempDir Path data) {
        duckdb = DuckDbExecutor.confinedTo(data);
    }

    @AfterAll
    void close() {
        duckdb.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT l_orderkey, sum(l_quantity) FROM lineitem WHERE l_shipdate > DATE '1995-01-01' GROUP BY 1",
        "SELECT * FROM lineitem JOIN orders ON l_orderkey = o_orderkey WHERE o_orderkey IN (SELECT l_orderkey FROM LINEITEM)",
        "SELECT 1 + 1"})
    void acceptsReadOnlyQueriesOverBoundTables(String sql) {
        FragmentValidator.validate(duckdb, sql, BOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "COPY lineitem TO 'out.csv'",
        "INSERT INTO lineitem SELECT * FROM lineitem",
        "CREATE TABLE x AS SELECT 1",
        "ATTACH 'other.duckdb'",
        "SET threads = 1",
        "PRAGMA version",
        "SELECT 1; SELECT 2",
        "SELECT * FROM read_parquet('/etc/passwd')",
        "SELECT * FROM lineitem WHERE l_comment IN (SELECT * FROM read_text('/etc/hostname'))",
        "SELECT * FROM 'lineitem/part.parquet'",
        "SELECT * FROM main.lineitem",
        "SELECT * FROM customer",
        "SELECT * FROM query('SELECT 42')",
        "SELECT getenv('HOME')",
        "SELECT current_setting('allowed_directories')",
        "WITH big AS (SELECT * FROM orders WHERE o_totalprice > 100) SELECT count(*) FROM big",
        "SELECT * FROM (WITH duckdb_databases AS (SELECT 1) SELECT * FROM duckdb_databases) a, duckdb_databases",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r"})
    void refusesAnythingElse(String sql) {
        CoddException e = assertThrows(CoddException.class, () -> FragmentValidator.validate(duckdb, sql, BOUND));
        assertEquals(ErrorCode.FRAGMENT_REFUSED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Fragment refused: "), e.getMessage());
    }

    @Test
    void reportsSqlThatDoesNotParse() {
        CoddException e = assertThrows(CoddException.class, () -> FragmentValidator.validate(duckdb, "SELEC 1", BOUND));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.errorCode());
    }
}
