package dev.codd.node.compute;

import dev.codd.executors.Input;
import java.util.List;

/** What a fragment's table name reads for the CIDs it names; a CID not held refuses the fragment. */
@FunctionalInterface
public interface ShardSources {
    List<Input.Source> sources(String table, List<String> cids);
}
