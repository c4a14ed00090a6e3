package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad SQL and bad URLs fail with SQLExceptions that say what is wrong, in the standard SQLState classes. */
@ExtendWith(TestCluster.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private Connection codd;
    private String url;

    @BeforeAll
    void connect(TestCluster tpch) throws SQLException {
        url = tpch.cluster().jdbcUrl();
        codd = tpch.connect();
    }

    @AfterAll
    void disconnect() throws SQLException {
        codd.close();
    }

    private SQLException failure(String sql) {
        return assertThrows(SQLException.class, () -> {
            try (Statement statement = codd.createStatement(); ResultSet result = statement.executeQuery(sql)) {
                while (result.next()) {
                    result.getObject(1);
                }
            }
        });
    }

    @Test
    void syntaxErrorGivesLineAndColumn() {
        SQLException e = failure("SELECT n_name\nFROM nation\nWHERE n_name = = 'x'");
        assertInstanceOf(SQLSyntaxErrorException.class, e);
        assertEquals("42000", e.getSQLState());
        assertTrue(e.getMessage().contains("line 3, column 14"), e.getMessage());
    }

    @Test
    void unknownTableIsNamed() {
        SQLException e = failure("SELECT * FROM nations");
        assertEquals("42S02", e.getSQLState());
        assertTrue(e.getMessage().contains("Table 'nations' not found"), e.getMessage());
    }

    @Test
    void unknownColumnIsNamed() {
        SQLException e = failure("SELECT n_nam FROM nation");
        assertEquals("42S22", e.getSQLState());
        assertTrue(e.getMessage().contains("Column 'n_nam' not found"), e.getMessage());
    }

    @Test
    void unknownFunctionIsNamed() {
        SQLException e = failure("SELECT no_such_function(n_name) FROM nation");
        assertEquals("42883", e.getSQLState());
        assertTrue(e.getMessage().contains("no_such_function"), e.getMessage());
    }

    @Test
    void statementsOtherThanQueriesAreRefused() {
        SQLException e = failure("DELETE FROM nation");
        assertEquals("0A000", e.getSQLState());
        assertTrue(e.getMessage().contains("queries only"), e.getMessage());
    }

    @Test
    void runtimeErrorOnANodeIsReported() {
        SQLException e = failure("SELECT CAST(n_name AS INTEGER) FROM nation");
        assertEquals("22018", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("Could not convert"), e.getMessage());
    }

    @Test
    void anErrorRaisedMidStreamKeepsItsSqlState() {
        String failing = "CAST(CASE WHEN l_orderkey > 59000 THEN 'x' ELSE '1' END AS INTEGER)";
        for (String sql : new String[] {"SELECT l_orderkey, " + failing + " FROM lineitem",
                "SELECT l_returnflag, sum(" + failing + ") FROM lineitem GROUP BY l_returnflag"}) {
            SQLException e = failure(sql);
            assertEquals("22018", e.getSQLState(), sql + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("Could not convert string 'x'"), e.getMessage());
        }
    }

    @Test
    void connectionStaysUsableAfterErrors() throws SQLException {
        failure("SELECT * FROM nations");
        assertEquals(25, QueryAssertions.rows(codd, "SELECT * FROM nation").size());
    }

    @Test
    void malformedUrlsAndPropertiesAreRefused() {
        for (String bad : new String[] {"jdbc:codd://", "jdbc:codd://localhost", "jdbc:codd://localhost:notaport",
                "jdbc:codd://localhost:99999", "jdbc:codd://localhost:7600?color=blue",
                "jdbc:codd://localhost:7600?connectTimeout=soon"}) {
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(bad), bad);
            assertEquals("08001", e.getSQLState(), bad + ": " + e.getMessage());
        }
    }

    @Test
    void anotherDriversUrlIsNotOurs() throws SQLException {
        assertTrue(!DriverManager.getDriver(url).acceptsURL("jdbc:postgresql://localhost/db"));
    }

    @Test
    void unreachableRequesterFailsFast() throws Exception {
        int freePort = JavaProcess.freePort();
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "5");
        SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:codd://127.0.0.1:" + freePort, properties)));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("127.0.0.1:" + freePort), e.getMessage());
    }
}
