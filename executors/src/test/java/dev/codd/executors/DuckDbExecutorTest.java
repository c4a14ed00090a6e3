package dev.codd.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbExecutorTest {
    @TempDir Path data;
    private BufferAllocator allocator;
    private DuckDbExecutor duckdb;
    private Input.Sources numbers;

    @BeforeEach
    void setUp() throws Exception {
        allocator = new RootAllocator();
        Path file = Files.createDirectories(data.resolve("numbers")).resolve("n.csv");
        Files.writeString(file, "n,word\n1,one\n2,two\n3,three\n");
        numbers = new Input.Sources("numbers", List.of(new Input.DataFile(file, FileFormat.CSV)));
        duckdb = DuckDbExecutor.confinedTo(data);
    }

    @AfterEach
    void tearDown() {
        duckdb.close();
        allocator.close();
    }

    private long count(String sql, List<Input> inputs) throws Exception {
        long rows = 0;
        try (ArrowQuery query = duckdb.query(sql, inputs, allocator, 1024)) {
            ArrowReader reader = query.reader();
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    @Test
    void readsBoundFiles() throws Exception {
        assertEquals(2, count("SELECT * FROM numbers WHERE n >= 2", List.of(numbers)));
    }

    @Test
    void readsNothingOutsideItsDirectory() {
        CoddException e = assertThrows(CoddException.class, () -> count("SELECT * FROM read_csv('/etc/passwd')", List.of()));
        assertEquals(ErrorCode.FRAGMENT_REFUSED, e.errorCode());
        assertTrue(e.getMessage().contains("Permission Error"), e.getMessage());
    }

    @Test
    void configurationIsLocked() {
        CoddException e = assertThrows(CoddException.class,
                () -> duckdb.withConnection(c -> {
                    try (Statement statement = c.createStatement()) {
                        return statement.execute("SET enable_external_access = true");
                    }
                }));
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
    }

    @Test
    void errorAtTheStartOfAStreamedQueryKeepsItsReason() {
        CoddException e = assertThrows(CoddException.class, () -> count("SELECT CAST(word AS INTEGER) FROM numbers",
                List.of(numbers)));
        assertEquals(ErrorCode.INVALID_CAST, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Conversion Error") && e.getMessage().contains("one"), e.getMessage());
    }

    @Test
    void errorLaterInAStreamedQueryKeepsItsReason() {
        String sql = "SELECT CAST(CASE WHEN range = 3000000 THEN 'x' ELSE range::VARCHAR END AS INTEGER) FROM range(5000000)";
        CoddException e = assertThrows(CoddException.class, () -> {
            try (ArrowQuery query = duckdb.query(sql, List.of(), allocator, 100_000)) {
                while (query.reader().loadNextBatch()) {
                    // read on until the failing row
                }
            } catch (java.io.IOException io) {
                throw DuckDbErrors.translate(io);
            }
        });
        assertEquals(ErrorCode.INVALID_CAST, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Conversion Error: Could not convert string 'x'"), e.getMessage());
    }

    @Test
    void rowsInMemoryKeepTheirTypesNullsAndQuotes() throws Exception {
        Input.Rows rows = new Input.Rows(List.of("name", "n", "seen", "ok"), List.of("VARCHAR", "BIGINT", "TIMESTAMP", "BOOLEAN"),
                List.of(Arrays.asList("it's", 7L, "2026-12-05 01:02:03.000004", true), Arrays.asList(null, null, null, null)));
        List<String> seen = new ArrayList<>();
        try (ArrowQuery query = duckdb.query("SELECT name, n + 1 AS n, seen, ok, typeof(seen) AS t FROM r ORDER BY n NULLS LAST",
                List.of(new Input.Sources("r", List.of(rows))), allocator, 1024)) {
            ArrowReader reader = query.reader();
            while (reader.loadNextBatch()) {
                var root = reader.getVectorSchemaRoot();
                for (int i = 0; i < root.getRowCount(); i++) {
                    seen.add(root.getVector("name").getObject(i) + "|" + root.getVector("n").getObject(i) + "|"
                            + root.getVector("seen").getObject(i) + "|" + root.getVector("ok").getObject(i) + "|"
                            + root.getVector("t").getObject(i));
                }
            }
        }
        assertEquals(List.of("it's|8|2026-12-05T01:02:03.000004|true|TIMESTAMP", "null|null|null|null|TIMESTAMP"), seen);
        Input.Rows none = new Input.Rows(List.of("n"), List.of("BIGINT"), List.of());
        assertEquals(0, count("SELECT n + 1 FROM r", List.of(new Input.Sources("r", List.of(none)))));
    }
}
