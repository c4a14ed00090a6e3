package dev.codd.node.compute;

/**
 * When a compute node's record of a fragment ({@code fragment.started}) reaches the disk. Either
 * way it is written before the fragment's first row leaves, so a node process that is killed loses
 * none, and the requester's {@code query.planned}, which names the node, its shards and the
 * fragment's SQL hash, is on disk before the query's first row reaches the client.
 */
public enum AuditSync {
    /** Synced before the fragment's first row leaves the node (group commit): the default. */
    FRAGMENT,
    /**
     * Synced within about 0.1 s, as the node's other records (an fsync slower than 50 ms adds its own
     * time): a machine that fails (power, kernel) may lose the records since its last fsync.
     * Fragments do not wait for the disk, which matters on slow storage (SD cards, network disks)
     * and under many concurrent queries.
     */
    INTERVAL
}
