package dev.codd.node.wire;

/**
 * The requester's answer to a heartbeat.
 *
 * @param knownCatalogVersion the catalog version of the node that the requester holds; -1 when it holds none
 * @param requesterAudit the last record of the requester's audit log on disk, which the node keeps now and
 *     then in its own log: a witness of the requester's log on another machine; null when it keeps no log
 */
public record HeartbeatReply(long knownCatalogVersion, LogHead requesterAudit) {
    /** An audit log's last record: its sequence number and hash. */
    public record LogHead(long seq, String hash) {}
}
