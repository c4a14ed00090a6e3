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
        return new DriverVersion("Codd JDBC Driver", VERSION, "Codd", VERSION, false, major(VERSION), minor(VERSION),
                major(VERSION), minor(VERSION));
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

    /** The major number of a version such as {@code 1.2.3-SNAPSHOT}; 0 when it has none. */
    static int major(String version) {
        return part(version, 0);
    }

    static int minor(String version) {
        return part(version, 1);
    }

    private static int part(String version, int index) {
        String[] parts = version.split("[.-]");
        return parts.length > index ? parseOrZero(parts[index]) : 0;
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
