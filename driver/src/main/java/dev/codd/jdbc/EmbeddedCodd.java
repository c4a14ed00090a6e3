package dev.codd.jdbc;

import java.nio.file.Path;

/**
 * Runs Codd inside the application's JVM for {@code jdbc:codd:local:DIR}: a requester and one
 * compute node over a directory. The server side (module {@code codd-node}) provides it through
 * {@link java.util.ServiceLoader}; the driver alone cannot.
 */
public interface EmbeddedCodd {
    /** Starts the cluster over {@code dataDirectory}, or joins the one running; each connection holds a lease. */
    Lease open(Path dataDirectory) throws Exception;

    /** One connection's hold on an embedded cluster; the cluster stops some time after the last is closed. */
    interface Lease extends AutoCloseable {
        /** The {@code host:port} of the cluster's requester. */
        String requester();

        /** Releases the hold; closing twice releases once. */
        @Override
        void close();
    }
}
