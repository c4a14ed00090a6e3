package dev.codd.node.compute;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codd.node.wire.ShardPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a table's shards are partitioned, declared by whoever wrote them in {@code
 * DATA/<table>/_partitioning.json}:
 *
 * <pre>{"scheme": "orders-by-orderkey-3", "key": ["l_orderkey"],
 *  "shards": {"part-1.parquet": "1", "part-2.parquet": "2"}}</pre>
 *
 * Tables partitioned by the same scheme put rows with equal keys in partitions of the same id, so
 * a join on those keys can run partition by partition, where the partitions lie.
 */
record PartitionManifest(@JsonProperty("scheme") String scheme, @JsonProperty("key") List<String> key,
        @JsonProperty("shards") Map<String, String> shards) {
    static final String FILE = "_partitioning.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The manifest of a table directory, if it has one; one that does not read is a problem to report. */
    static Optional<PartitionManifest> read(Path tableDirectory) throws IOException {
        Path file = tableDirectory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        PartitionManifest manifest = JSON.readValue(file.toFile(), PartitionManifest.class);
        if (manifest.scheme() == null || manifest.key() == null || manifest.key().isEmpty() || manifest.shards() == null) {
            throw new IOException(file + " needs \"scheme\", a non-empty \"key\" list and \"shards\"");
        }
        return Optional.of(manifest);
    }

    /** The partition of a shard file, by its path under the table directory. */
    Optional<ShardPartition> partitionOf(String file) {
        return Optional.ofNullable(shards.get(file)).map(id -> new ShardPartition(scheme, key, id));
    }
}
