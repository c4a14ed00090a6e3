package dev.codd.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URLs as the driver reads them, alone: without Codd's server on the class path. */
class CoddUrlTest {
    @Test
    void aNetworkUrlWithItsProperties() throws SQLException {
        Properties given = new Properties();
        given.setProperty("user", "grace");
        CoddUrl url = CoddUrl.parse("jdbc:codd://db.example:7600/?user=ada&applicationName=dash%20board", given);
        assertEquals(new CoddUrl("db.example", 7600, 10, "ada", "dash board", null, false, false, null), url);
    }

    @Test
    void aLocalUrlNeedsTheServerOnTheClassPath(@TempDir Path data) {
        assertTrue(CoddUrl.accepts("jdbc:codd:local:" + data));
        SQLException e = assertThrows(SQLException.class, () -> CoddUrl.parse("jdbc:codd:local:" + data, new Properties()));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("needs its server, the codd-node module, on the class path"), e.getMessage());
    }

    @Test
    void aLocalPathIsTakenAsWritten(@TempDir Path root) throws Exception {
        Path odd = java.nio.file.Files.createDirectories(root.resolve("a+b%20c"));
        SQLException e = assertThrows(SQLException.class, () -> CoddUrl.parse("jdbc:codd:local:" + odd, new Properties()));
        assertTrue(e.getMessage().contains("needs its server"), "the directory was found: " + e.getMessage());
    }

    @Test
    void badUrlsSayWhatIsWrong() {
        assertEquals("Invalid port in Codd URL 'jdbc:codd://h:x': " + CoddUrl.USAGE,
                assertThrows(SQLException.class, () -> CoddUrl.parse("jdbc:codd://h:x", new Properties())).getMessage());
        assertTrue(assertThrows(SQLException.class, () -> CoddUrl.parse("jdbc:codd://h:1?ssl=true", new Properties()))
                .getMessage().startsWith("Unknown connection property 'ssl'"));
        assertEquals("tls must be true or false, not 'yes'", assertThrows(SQLException.class,
                () -> CoddUrl.parse("jdbc:codd://h:1?tls=yes", new Properties())).getMessage());
        assertEquals("progress must be true or false, not '1'", assertThrows(SQLException.class,
                () -> CoddUrl.parse("jdbc:codd://h:1?progress=1", new Properties())).getMessage());
        assertTrue(assertThrows(SQLException.class, () -> CoddUrl.parse("jdbc:codd://h:1?tlsRootCerts=/no/such.pem",
                new Properties())).getMessage().startsWith("tlsRootCerts: cannot read /no/such.pem"));
    }
}
