package dev.codd.node.flight;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;

/**
 * Sends a stream no faster than its reader takes it. Used by every producer that streams batches,
 * on a thread of its own: gRPC delivers the ready and cancel signals on the thread that entered the
 * producer.
 */
public final class Backpressure {
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final BackpressureStrategy strategy;

    private Backpressure(BackpressureStrategy strategy) {
        this.strategy = strategy;
    }

    /** Watches {@code listener}, running {@code onCancel} if its reader cancels; call before {@code start}. */
    public static Backpressure watch(ServerStreamListener listener, Runnable onCancel) {
        BackpressureStrategy strategy = new BackpressureStrategy.CallbackBackpressureStrategy() {
            @Override
            protected void cancelCallback() {
                onCancel.run();
            }
        };
        strategy.register(listener);
        return new Backpressure(strategy);
    }

    /** Waits while the reader is not ready for more; false when it has gone away. */
    public boolean awaitReady() {
        while (true) {
            switch (strategy.waitForListener(WAIT_MILLIS)) {
                case READY:
                    return true;
                case TIMEOUT:
                    continue; // a slow reader is still a reader
                default:
                    return false;
            }
        }
    }
}
