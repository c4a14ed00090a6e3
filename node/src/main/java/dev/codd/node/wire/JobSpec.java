package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A job as a user submits it: an image to run on the nodes, either over a table (on every node that
 * holds shards of it, with those shards at /inputs) or on the nodes that carry labels.
 *
 * @param env variables for the container; {@code secret:NAME} values are resolved on each node
 * @param table the table whose shards the job reads; null to choose nodes by {@code nodeLabels}
 * @param nodeLabels labels a node must carry to run the job; empty with a table
 */
public record JobSpec(String image, List<String> command, Map<String, String> env, String table,
        Map<String, String> nodeLabels) {
    public JobSpec {
        requireNonNull(image, "image is null");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
    }
}
