package dev.codd.node.wire;

import java.util.List;

/** Everything a node offers: its shards. */
public record NodeCatalog(List<ShardInfo> shards) {
    public NodeCatalog {
        shards = List.copyOf(shards);
    }
}
