package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

/**
 * A node's periodic "I am here". The first heartbeat is the node joining.
 *
 * @param catalog the node's catalog, sent when the requester does not yet know {@code catalogVersion};
 *     null otherwise
 */
public record Heartbeat(String node, NodeAddress address, long catalogVersion, NodeCatalog catalog) {
    public Heartbeat {
        requireNonNull(node, "node is null");
        requireNonNull(address, "address is null");
    }
}
