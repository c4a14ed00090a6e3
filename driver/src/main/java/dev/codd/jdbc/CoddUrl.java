package dev.codd.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Codd JDBC URL, {@code jdbc:codd://host:port[?property=value&…]}, with the properties given in
 * the URL and those given to {@code DriverManager}; the URL wins.
 *
 * @param connectTimeoutSeconds how long to wait for the requester when connecting
 * @param user who connects, as the requester records it; null when not given
 * @param applicationName what connects (a tool, a job), as the requester records it; null when not given
 */
record CoddUrl(String host, int port, int connectTimeoutSeconds, String user, String applicationName) {
    static final String PREFIX = "jdbc:codd:";
    private static final String NETWORK = PREFIX + "//";
    private static final Set<String> KNOWN = new TreeSet<>(Set.of("user", "password", "connectTimeout", "applicationName"));
    static final String USAGE = "expected jdbc:codd://host:port[?property=value&...]";

    static boolean accepts(String url) {
        return url != null && url.startsWith(NETWORK);
    }

    static CoddUrl parse(String url, Properties info) throws SQLException {
        String rest = url.substring(NETWORK.length());
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw CoddErrors.badUrl("Invalid Codd URL '" + url + "': " + USAGE);
        }
        String host = rest.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CoddErrors.badUrl("Invalid port in Codd URL '" + url + "': " + USAGE);
        }
        if (port < 1 || port > 65535) {
            throw CoddErrors.badUrl("Port " + port + " in Codd URL '" + url + "' is out of range");
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
        return new CoddUrl(host, port, timeout, properties.getProperty("user"), properties.getProperty("applicationName"));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
