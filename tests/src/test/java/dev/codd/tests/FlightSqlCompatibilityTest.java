package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A requester is a Flight SQL server: Apache Arrow's own Flight SQL JDBC driver
 * ({@code jdbc:arrow-flight-sql://}) runs queries and metadata calls against it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlightSqlCompatibilityTest {
    private LocalCluster cluster;
    private Connection arrow;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        List<Path> nodes = ExtraTables.writeCities(root);
        cluster = LocalCluster.start(nodes);
        arrow = DriverManager.getConnection("jdbc:arrow-flight-sql://" + cluster.requester().address()
                + "/?useEncryption=false&user=ada");
    }

    @AfterAll
    void stop() throws Exception {
        arrow.close();
        cluster.close();
    }

    @Test
    void runsQueries() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = arrow.createStatement();
                ResultSet result = statement.executeQuery("SELECT city, sum(visits) AS visits FROM cities GROUP BY city ORDER BY city")) {
            while (result.next()) {
                rows.add(result.getString("city") + " " + result.getLong("visits"));
            }
        }
        assertEquals(List.of("Lisbon 3", "Porto 21"), rows);
        SQLException unknown = assertThrows(SQLException.class,
                () -> arrow.createStatement().executeQuery("SELECT nope FROM cities"));
        assertTrue(String.valueOf(unknown.getMessage()).contains("Column 'nope' not found"), unknown.getMessage());
    }

    @Test
    void answersMetadataCalls() throws SQLException {
        DatabaseMetaData md = arrow.getMetaData();
        assertEquals("Codd", md.getDatabaseProductName());
        List<String> tables = new ArrayList<>();
        try (ResultSet result = md.getTables(null, null, "%", new String[] {"TABLE"})) {
            while (result.next()) {
                tables.add(result.getString("TABLE_CAT") + "." + result.getString("TABLE_SCHEM") + "." + result.getString("TABLE_NAME"));
            }
        }
        assertEquals(List.of("codd.main.cities"), tables);
        List<String> columns = new ArrayList<>();
        try (ResultSet result = md.getColumns(null, "main", "cities", "%")) {
            while (result.next()) {
                columns.add(result.getString("COLUMN_NAME") + " " + result.getString("TYPE_NAME"));
            }
        }
        assertEquals(List.of("city VARCHAR", "visits INTEGER"), columns);
    }
}
