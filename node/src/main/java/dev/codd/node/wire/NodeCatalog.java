package dev.codd.node.wire;

import java.util.List;

/**
 * Everything a node offers: its shards, and the files of its tables it cannot read, so that a
 * table is never queried without them unnoticed.
 */
public record NodeCatalog(List<ShardInfo> shards, List<UnreadableFile> unreadable) {
    public static final NodeCatalog EMPTY = new NodeCatalog(List.of(), List.of());

    public NodeCatalog {
        shards = List.copyOf(shards);
        unreadable = unreadable == null ? List.of() : List.copyOf(unreadable);
    }
}
