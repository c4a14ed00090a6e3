package dev.codd.node.wire;

/** The catalog version of the node that the requester holds; -1 when it holds none. */
public record HeartbeatReply(long knownCatalogVersion) {}
