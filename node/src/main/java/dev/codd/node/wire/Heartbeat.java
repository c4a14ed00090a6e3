package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A node's periodic "I am here". The first heartbeat is the node joining.
 *
 * @param catalog the node's catalog, sent when the requester does not yet know {@code catalogVersion};
 *     null otherwise
 * @param auditHead the last record of the node's audit log, signed; null for a node that keeps none
 * @param runningFragments how many fragments the node runs now
 * @param containers whether the node runs containers (docker_map): it has a Docker engine and images to run
 * @param labels what the operator says of the node ({@code region=eu}), for choosing nodes for jobs
 */
public record Heartbeat(String node, NodeAddress address, long catalogVersion, NodeCatalog catalog,
        SignedHead auditHead, int runningFragments, boolean containers, Map<String, String> labels) {
    public Heartbeat {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        requireNonNull(node, "node is null");
        requireNonNull(address, "address is null");
    }
}
