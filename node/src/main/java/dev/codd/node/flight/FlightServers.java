package dev.codd.node.flight;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;

/** Stopping a Flight server the same way everywhere: no new calls, five seconds for running ones. */
public final class FlightServers {
    private FlightServers() {}

    public static void stop(FlightServer server) {
        stop(server, () -> { });
    }

    /** Stops {@code server}; calls still running after five seconds are ended by {@code endCalls}, which gets five more. */
    public static void stop(FlightServer server, Runnable endCalls) {
        try {
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                endCalls.run();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
