package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import dev.codd.node.requester.QueryRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver walked as DBeaver and Metabase walk it when they connect and sync: the metadata calls
 * in their order, each answer checked, and their probe queries answered by the requester alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetadataWalkTest {
    private LocalCluster cluster;
    private Connection codd;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        List<Path> nodes = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            for (int i = 0; i < 2; i++) {
                Path table = Files.createDirectories(root.resolve("node" + i).resolve("sales"));
                statement.execute("COPY (SELECT range AS id, (range * 1.25)::DECIMAL(10,2) AS price, 'item ' || range AS label,"
                        + " DATE '2026-01-01' + range::INTEGER AS day, range % 2 = 0 AS paid FROM range(" + i * 10 + ", "
                        + (i + 1) * 10 + ")) TO '" + table.resolve("part.parquet") + "'");
                nodes.add(table.getParent());
            }
        }
        cluster = LocalCluster.start(nodes);
        codd = DriverManager.getConnection(cluster.jdbcUrl());
    }

    @AfterAll
    void stop() throws Exception {
        codd.close();
        cluster.close();
    }

    private static List<String> column(ResultSet result, String name) throws SQLException {
        List<String> values = new ArrayList<>();
        try (result) {
            while (result.next()) {
                values.add(result.getString(name));
            }
        }
        return values;
    }

    private static List<String> columnNames(ResultSet result) throws SQLException {
        List<String> names = new ArrayList<>();
        try (result) {
            ResultSetMetaData metadata = result.getMetaData();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                names.add(metadata.getColumnName(i));
            }
        }
        return names;
    }

    @Test
    void theWayDbeaverConnects() throws SQLException {
        DatabaseMetaData md = codd.getMetaData();
        assertEquals("Codd", md.getDatabaseProductName());
        assertFalse(md.getDatabaseProductVersion().isBlank());
        assertTrue(md.getDatabaseMajorVersion() >= 0 && md.getDatabaseMinorVersion() >= 0);
        assertEquals("Codd JDBC Driver", md.getDriverName());
        assertFalse(md.getDriverVersion().isBlank());
        assertEquals("\"", md.getIdentifierQuoteString());
        assertEquals(".", md.getCatalogSeparator());
        assertEquals("\\", md.getSearchStringEscape());
        // DuckDB's naming: unquoted names keep their case and match without regard to it
        assertTrue(md.storesMixedCaseIdentifiers());
        assertFalse(md.storesUpperCaseIdentifiers());
        assertFalse(md.storesLowerCaseIdentifiers());
        assertTrue(md.nullsAreSortedAtEnd());
        assertTrue(md.isReadOnly());
        assertFalse(md.supportsTransactions());
        assertEquals(Connection.TRANSACTION_NONE, md.getDefaultTransactionIsolation());

        assertEquals(List.of("codd"), column(md.getCatalogs(), "TABLE_CAT"));
        assertEquals(List.of("main", "sys"), column(md.getSchemas(), "TABLE_SCHEM"));
        assertEquals(List.of("codd", "codd"), column(md.getSchemas(), "TABLE_CATALOG"));
        assertEquals(List.of("main"), column(md.getSchemas("codd", "m%"), "TABLE_SCHEM"));
        assertEquals(List.of(), column(md.getSchemas("other", null), "TABLE_SCHEM"));
        assertEquals(List.of("SYSTEM TABLE", "TABLE"), column(md.getTableTypes(), "TABLE_TYPE"));
        assertEquals(List.of("sales"), column(md.getTables("codd", "main", null, null), "TABLE_NAME"));

        try (ResultSet columns = md.getColumns("codd", "main", "sales", null)) {
            List<String> seen = new ArrayList<>();
            while (columns.next()) {
                seen.add(String.join(" ", columns.getString("TABLE_CAT"), columns.getString("TABLE_SCHEM"),
                        columns.getString("TABLE_NAME"), columns.getString("COLUMN_NAME"), columns.getString("DATA_TYPE"),
                        columns.getString("TYPE_NAME"), columns.getString("COLUMN_SIZE"), columns.getString("DECIMAL_DIGITS"),
                        columns.getString("NUM_PREC_RADIX"), columns.getString("NULLABLE"), columns.getString("IS_NULLABLE"),
                        columns.getString("ORDINAL_POSITION")));
                assertNull(columns.getString("REMARKS"));
            }
            assertEquals(List.of(
                    "codd main sales id " + Types.BIGINT + " BIGINT 19 0 10 1 YES 1",
                    "codd main sales price " + Types.DECIMAL + " DECIMAL(10,2) 10 2 10 1 YES 2",
                    "codd main sales label " + Types.VARCHAR + " VARCHAR " + Integer.MAX_VALUE + " null null 1 YES 3",
                    "codd main sales day " + Types.DATE + " DATE 10 null null 1 YES 4",
                    "codd main sales paid " + Types.BOOLEAN + " BOOLEAN 1 null null 1 YES 5"), seen);
        }

        // no keys or indexes, in the shapes JDBC gives them
        assertEquals(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"),
                columnNames(md.getPrimaryKeys("codd", "main", "sales")));
        assertEquals(14, columnNames(md.getImportedKeys("codd", "main", "sales")).size());
        assertEquals(14, columnNames(md.getExportedKeys("codd", "main", "sales")).size());
        assertEquals(13, columnNames(md.getIndexInfo("codd", "main", "sales", false, true)).size());
        assertFalse(md.getPrimaryKeys("codd", "main", "sales").next());
        assertFalse(md.getIndexInfo("codd", "main", "sales", false, true).next());
        assertEquals(6, columnNames(md.getFunctions(null, null, "%")).size());

        try (ResultSet types = md.getTypeInfo()) {
            List<Integer> dataTypes = new ArrayList<>();
            List<String> names = new ArrayList<>();
            while (types.next()) {
                dataTypes.add(types.getInt("DATA_TYPE"));
                names.add(types.getString("TYPE_NAME"));
            }
            assertEquals(dataTypes.stream().sorted().toList(), dataTypes, "ordered by DATA_TYPE");
            assertTrue(names.containsAll(List.of("BOOLEAN", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL", "DOUBLE", "VARCHAR",
                    "BLOB", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "UUID")), names.toString());
        }

        // the names DBeaver writes when it qualifies them fully
        try (Statement statement = codd.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM \"codd\".\"main\".\"sales\"")) {
            assertTrue(result.next());
            assertEquals(20, result.getLong(1));
        }
    }

    @Test
    void theWayMetabaseSyncs() throws SQLException {
        DatabaseMetaData md = codd.getMetaData();
        assertEquals(List.of("sales"), column(md.getTables(null, "main", "%", new String[] {"TABLE", "PARTITIONED TABLE",
            "VIEW", "FOREIGN TABLE", "MATERIALIZED VIEW", "EXTERNAL TABLE"}), "TABLE_NAME"));
        assertEquals(List.of("id", "price", "label", "day", "paid"), column(md.getColumns(null, "main", "sales", null),
                "COLUMN_NAME"));
        // can the user read the table? and what are its columns? answered without asking the nodes
        assertAnsweredByTheRequester("SELECT TRUE AS \"_\" FROM \"main\".\"sales\" WHERE 1 <> 1 LIMIT 0", List.of("_"));
        assertAnsweredByTheRequester("SELECT * FROM sales LIMIT 0", List.of("id", "price", "label", "day", "paid"));
    }

    private void assertAnsweredByTheRequester(String sql, List<String> columns) throws SQLException {
        try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertFalse(result.next());
            assertEquals(columns, columnNames(result));
        }
        QueryRecord record = cluster.requester().queries().recent().stream()
                .filter(q -> q.sql().equals(sql)).findFirst()
                .orElseThrow(() -> new AssertionError(sql + " is not among " + cluster.requester().queries().recent()));
        assertEquals(QueryRecord.State.FINISHED, record.state());
        assertEquals(List.of(), record.traffic(), "no node was asked");
    }

    @Test
    void preparedStatementsDescribeTheirResultBeforeTheyRun() throws SQLException {
        try (PreparedStatement statement = codd.prepareStatement("SELECT label, price * 2 AS doubled FROM sales WHERE id > ?")) {
            ResultSetMetaData metadata = statement.getMetaData();
            assertEquals(2, metadata.getColumnCount());
            assertEquals("label", metadata.getColumnLabel(1));
            assertEquals(Types.VARCHAR, metadata.getColumnType(1));
            assertEquals("doubled", metadata.getColumnLabel(2));
            assertEquals(Types.DECIMAL, metadata.getColumnType(2));
            assertEquals(1, statement.getParameterMetaData().getParameterCount());
            statement.setLong(1, 17);
            try (ResultSet result = statement.executeQuery()) {
                int rows = 0;
                while (result.next()) {
                    rows++;
                }
                assertEquals(2, rows);
            }
        }
        long describedByNodes = cluster.requester().queries().recent().stream()
                .filter(q -> q.sql().contains("price * 2")).count();
        assertEquals(1, describedByNodes, "describing ran nothing; only the execution is a query");
        SQLException unknown = assertThrows(SQLException.class, () -> codd.prepareStatement("SELECT nope FROM sales"));
        assertEquals("42S22", unknown.getSQLState());
    }
}
