package dev.codd.node.flight;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;

/** Stopping a Flight server the same way everywhere: no new calls, five seconds for running ones. */
public final class FlightServers {
    private FlightServers() {}

    public static void stop(FlightServer server) {
        try {
            server.shutdown();
            server.awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
