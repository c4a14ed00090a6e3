package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import dev.codd.executors.wasm.WasmFunction;
import dev.codd.planner.DockerStage;
import java.util.List;
import java.util.Map;

/**
 * A fragment to run, sent as the ticket of a Flight DoGet.
 *
 * @param user who runs the query, as the client named itself, for the node's audit log; null when not known
 * @param shards the CIDs to bind to each table name the SQL reads
 * @param functions the users' WASM functions the query calls, by their definitions
 * @param batchRows how many rows to put in a batch, as the client asked ({@code setFetchSize}); 0 for the node's own
 * @param docker the docker_map stages whose output the SQL reads
 */
public record FragmentTicket(String queryId, String user, String sql, Map<String, List<String>> shards,
        List<WasmFunction> functions, int batchRows, List<DockerStage> docker) {
    /** The most rows a batch may hold, whatever the client asked: a batch is held whole in memory. */
    public static final int MAX_BATCH_ROWS = 1 << 20;

    public FragmentTicket {
        requireNonNull(queryId, "queryId is null");
        requireNonNull(sql, "sql is null");
        shards = Map.copyOf(shards);
        functions = functions == null ? List.of() : List.copyOf(functions);
        docker = docker == null ? List.of() : List.copyOf(docker);
    }
}
