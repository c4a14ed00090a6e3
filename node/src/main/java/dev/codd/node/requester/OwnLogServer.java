package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.DuckDbExecutor;
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
 * The requester's own audit log served as a node serves its shards, on loopback, so that
 * {@code sys.audit} is read through the same fragment path as any table: the requester is the node
 * {@value AuditTables#REQUESTER} of that one table. Its DuckDB may read the log's directory and
 * nothing else.
 */
final class OwnLogServer implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final DuckDbExecutor duckdb;
    private final FlightServer server;

    OwnLogServer(AuditLog log, BufferAllocator allocator, int batchRows, ExecutorService streams) {
        duckdb = DuckDbExecutor.confinedTo(log.directory());
        FragmentService service = FragmentService.unaudited((table, cids) -> {
            if (!table.equalsIgnoreCase(AuditTables.REQUESTER_TABLE)
                    || !cids.equals(List.of(AuditTables.cid(AuditTables.REQUESTER)))) {
                throw new CoddException(ErrorCode.FRAGMENT_REFUSED, "Fragment refused: the requester serves only its audit log");
            }
            return List.of(new Input.AuditSegments(log.segments(), AuditTables.REQUESTER));
        }, duckdb, allocator, batchRows, streams);
        server = FlightServer.builder(allocator, Location.forGrpcInsecure(LOOPBACK, 0), service).build();
        try {
            server.start();
        } catch (IOException e) {
            duckdb.close();
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot serve the audit log on " + LOOPBACK + ": " + e, e);
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
