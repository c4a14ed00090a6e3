package dev.codd.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Codd JDBC URL, {@code jdbc:codd://host:port[?property=value&…]} or {@code jdbc:codd:local:DIR[?…]}
 * (a requester and one compute node over DIR inside this JVM, see {@link EmbeddedCodd}), with the
 * properties given in the URL and those given to {@code DriverManager}; the URL wins.
 *
 * @param connectTimeoutSeconds how long to wait for the requester when connecting
 * @param user who connects, as the requester records it; null when not given
 * @param applicationName what connects (a tool, a job), as the requester records it; null when not given
 * @param lease the connection's hold on the embedded cluster of a {@code jdbc:codd:local:} URL; null for others
 * @param progress whether a query slow to send its first rows shows a progress line on stderr
 * @param tls whether the requester is reached over TLS
 * @param tlsRootCerts the PEM root certificates the requester's is checked against; null for the JVM's
 */
record CoddUrl(String host, int port, int connectTimeoutSeconds, String user, String applicationName,
        EmbeddedCodd.Lease lease, boolean progress, boolean tls, Path tlsRootCerts) {
    static final String PREFIX = "jdbc:codd:";
    private static final String NETWORK = PREFIX + "//";
    private static final String LOCAL = PREFIX + "local:";
    private static final Set<String> KNOWN = new TreeSet<>(Set.of("user", "password", "connectTimeout", "applicationName",
            "progress", "tls", "tlsRootCerts"));
    static final String USAGE = "expected jdbc:codd://host:port[?property=value&...] or jdbc:codd:local:DIR";

    static boolean accepts(String url) {
        return url != null && (url.startsWith(NETWORK) || url.startsWith(LOCAL));
    }

    static CoddUrl parse(String url, Properties info) throws SQLException {
        boolean local = url.startsWith(LOCAL);
        String rest = url.substring(local ? LOCAL.length() : NETWORK.length());
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        Properties properties = new Properties();
        properties.putAll(info);
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw CoddErrors.badUrl("Invalid property '" + pair + "' in Codd URL: expected name=value");
            }
            properties.setProperty(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
        }
        for (String name : properties.stringPropertyNames()) {
            if (!KNOWN.contains(name)) {
                throw CoddErrors.badUrl("Unknown connection property '" + name + "'; known properties: " + KNOWN);
            }
        }
        int timeout;
        try {
            timeout = Integer.parseInt(properties.getProperty("connectTimeout", "10"));
        } catch (NumberFormatException e) {
            throw CoddErrors.badUrl("connectTimeout must be a whole number of seconds, not '"
                    + properties.getProperty("connectTimeout") + "'");
        }
        if (timeout < 1) {
            throw CoddErrors.badUrl("connectTimeout must be at least 1 second");
        }
        boolean progress = flag(properties, "progress");
        Path tlsRootCerts = null;
        if (properties.getProperty("tlsRootCerts") != null) {
            try {
                tlsRootCerts = Path.of(properties.getProperty("tlsRootCerts"));
            } catch (InvalidPathException e) {
                throw CoddErrors.badUrl("tlsRootCerts is not a path: " + e.getMessage());
            }
            if (!Files.isReadable(tlsRootCerts)) {
                throw CoddErrors.badUrl("tlsRootCerts: cannot read " + tlsRootCerts);
            }
        }
        boolean tls = flag(properties, "tls") || tlsRootCerts != null;
        if (tls && local) {
            throw CoddErrors.badUrl("jdbc:codd:local runs inside this JVM and takes no TLS properties");
        }
        // the embedded cluster starts last, once nothing else in the URL can fail
        EmbeddedCodd.Lease lease = local ? embedded(url, rest) : null;
        String address = lease != null ? lease.requester() : rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw CoddErrors.badUrl("Invalid Codd URL '" + url + "': " + USAGE);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CoddErrors.badUrl("Invalid port in Codd URL '" + url + "': " + USAGE);
        }
        if (port < 1 || port > 65535) {
            throw CoddErrors.badUrl("Port " + port + " in Codd URL '" + url + "' is out of range");
        }
        return new CoddUrl(address.substring(0, colon), port, timeout, properties.getProperty("user"),
                properties.getProperty("applicationName"), lease, progress, tls, tlsRootCerts);
    }

    /** Starts (or joins) the embedded cluster over {@code directory}. */
    private static EmbeddedCodd.Lease embedded(String url, String directory) throws SQLException {
        if (directory.isEmpty()) {
            throw CoddErrors.badUrl("Codd URL '" + url + "' names no directory: expected jdbc:codd:local:DIR");
        }
        Path data;
        try {
            data = Path.of(directory); // a path as written: '+' and '%' are file name characters here
        } catch (InvalidPathException e) {
            throw CoddErrors.badUrl("Codd URL '" + url + "' names no valid directory: " + e.getMessage());
        }
        if (!Files.isDirectory(data)) {
            throw CoddErrors.badUrl("Codd URL '" + url + "': " + data + " is not a directory");
        }
        try {
            EmbeddedCodd embedded = ServiceLoader.load(EmbeddedCodd.class, CoddUrl.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> CoddErrors.badUrl("jdbc:codd:local runs Codd inside this JVM and needs its "
                            + "server, the codd-node module, on the class path; the driver alone connects to "
                            + "jdbc:codd://host:port"));
            return embedded.open(data);
        } catch (SQLException e) {
            throw e;
        } catch (Exception | ServiceConfigurationError | LinkageError e) { // the server is there, but incomplete
            throw new SQLNonTransientConnectionException("Cannot start Codd over " + data + ": " + e, "08001", e);
        }
    }

    private static boolean flag(Properties properties, String name) throws SQLException {
        String value = properties.getProperty(name, "false");
        if (!value.equals("true") && !value.equals("false")) {
            throw CoddErrors.badUrl(name + " must be true or false, not '" + value + "'");
        }
        return value.equals("true");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
