package dev.codd.node.wire;

/** Flight action types compute nodes send to the requester. */
public final class ClusterActions {
    /** Body: a {@link Heartbeat}; result: a {@link HeartbeatReply}. */
    public static final String HEARTBEAT = "codd.heartbeat";
    /** Body: the node's name, UTF-8; no result. */
    public static final String LEAVE = "codd.leave";
    /** Body: the CID of a WASM module, UTF-8; result: the module's bytes. */
    public static final String MODULE = "codd.module";

    private ClusterActions() {}
}
