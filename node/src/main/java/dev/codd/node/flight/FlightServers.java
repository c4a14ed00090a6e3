package dev.codd.node.flight;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;

/**
 * Stopping a Flight server the same way everywhere: no new calls, five seconds for running ones, and
 * five more for those its owner then ends. A server whose calls should end well is built with an
 * executor of its owner's ({@code FlightServer.Builder.executor}), shut down after the server: the
 * pool Flight makes itself is shut down as the server starts to stop, and the calls still running
 * would get no ready or cancel signal from then on.
 */
public final class FlightServers {
    private FlightServers() {}

    public static void stop(FlightServer server) {
        stop(server, () -> { });
    }

    /**
     * Stops {@code server}; calls still running after five seconds are ended by {@code endCalls}. An
     * interrupt cuts the waits short, not the stop: the calls are still ended and the server closed.
     */
    public static void stop(FlightServer server, Runnable endCalls) {
        boolean interrupted = false;
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                endCalls.run();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            endCalls.run();
        }
        try {
            server.close();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
