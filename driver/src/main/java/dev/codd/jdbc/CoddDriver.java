package dev.codd.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * The JDBC driver for Codd: {@code jdbc:codd://host:port[?property=value&…]}. It speaks Arrow Flight
 * SQL to a requester and reads results as Arrow batches, as they arrive.
 */
public final class CoddDriver extends UnregisteredDriver {
    static final String VERSION = readVersion();

    static {
        new CoddDriver().register();
    }

    public CoddDriver() {
        super();
    }

    @Override
    protected String getConnectStringPrefix() {
        return CoddUrl.PREFIX;
    }

    @Override
    protected DriverVersion createDriverVersion() {
        String[] parts = VERSION.split("[.-]");
        int major = parts.length > 0 ? parseOrZero(parts[0]) : 0;
        int minor = parts.length > 1 ? parseOrZero(parts[1]) : 0;
        return new DriverVersion("Codd JDBC Driver", VERSION, "Codd", VERSION, false, major, minor, major, minor);
    }

    @Override
    protected AvaticaFactory createFactory() {
        return new CoddFactory();
    }

    @Override
    public Meta createMeta(AvaticaConnection connection) {
        return new CoddMeta(connection);
    }

    @Override
    public boolean acceptsURL(String url) {
        return CoddUrl.accepts(url);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // another driver's URL, as DriverManager expects
        }
        return factory.newConnection(this, factory, url, info == null ? new Properties() : info);
    }

    private static int parseOrZero(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String readVersion() {
        try (InputStream in = CoddDriver.class.getResourceAsStream("codd-driver.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
