package dev.codd.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClientMiddleware;

/**
 * Tells the requester, on every call, who connects and with what (its audit log records them):
 * {@code codd-user}, {@code codd-application} and {@code codd-driver} headers, URL-encoded. The
 * password is never sent: the requester does not check passwords yet.
 */
final class ClientHeaders implements FlightClientMiddleware.Factory {
    static final String USER = "codd-user";
    static final String APPLICATION = "codd-application";
    static final String DRIVER = "codd-driver";

    private final CoddUrl url;

    ClientHeaders(CoddUrl url) {
        this.url = url;
    }

    @Override
    public FlightClientMiddleware onCallStarted(CallInfo info) {
        return new FlightClientMiddleware() {
            @Override
            public void onBeforeSendingHeaders(CallHeaders outgoing) {
                if (url.user() != null) {
                    outgoing.insert(USER, encode(url.user()));
                }
                if (url.applicationName() != null) {
                    outgoing.insert(APPLICATION, encode(url.applicationName()));
                }
                outgoing.insert(DRIVER, encode("Codd JDBC " + CoddDriver.VERSION + " (Java " + Runtime.version() + ")"));
            }

            @Override
            public void onHeadersReceived(CallHeaders incoming) {}

            @Override
            public void onCallCompleted(CallStatus status) {}
        };
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
