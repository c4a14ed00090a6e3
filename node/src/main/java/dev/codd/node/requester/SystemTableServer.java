package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.wasm.WasmFunctions;
import dev.codd.executors.wasm.WasmModules;
import dev.codd.executors.Input;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditTables;
import dev.codd.node.compute.FragmentService;
import dev.codd.node.flight.FlightServers;
import dev.codd.node.wire.NodeAddress;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The requester's own tables ({@code sys.audit}, {@code sys.nodes} and the others of
 * {@link SystemTables}) served as a node serves its shards, on loopback, so that they are read
 * through the same fragment path as any table: the requester is the node
 * {@value AuditTables#REQUESTER} of these tables. Its DuckDB may read the audit log's directory
 * and no other file.
 */
final class SystemTableServer implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final DuckDbExecutor duckdb;
    private final FlightServer server;

    /** @param log the requester's audit log; null when it keeps none */
    SystemTableServer(AuditLog log, SystemTables tables, WasmModules modules, BufferAllocator allocator, int batchRows,
            ExecutorService streams) {
        duckdb = log == null ? DuckDbExecutor.withoutFileAccess() : DuckDbExecutor.confinedTo(log.directory());
        FragmentService service = FragmentService.unaudited((table, cids) -> {
            if (log != null && table.equalsIgnoreCase(AuditTables.REQUESTER_TABLE)
                    && cids.equals(List.of(AuditTables.cid(AuditTables.REQUESTER)))) {
                return List.of(new Input.AuditSegments(log.segments(), AuditTables.REQUESTER));
            }
            return List.<Input.Source>of(tables.rows(table).orElseThrow(() -> new CoddException(
                    ErrorCode.FRAGMENT_REFUSED, "Fragment refused: the requester serves only its own tables, not " + table)));
        }, duckdb, new WasmFunctions(duckdb, modules, () -> "the requester"), allocator, batchRows, streams);
        server = FlightServer.builder(allocator, Location.forGrpcInsecure(LOOPBACK, 0), service).build();
        try {
            server.start();
        } catch (IOException e) {
            duckdb.close();
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot serve the requester's tables on " + LOOPBACK + ": " + e, e);
        }
    }

    NodeAddress address() {
        return new NodeAddress(LOOPBACK, server.getPort());
    }

    @Override
    public void close() {
        FlightServers.stop(server);
        duckdb.close();
    }
}
