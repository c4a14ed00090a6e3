package dev.codd.node.requester;

import dev.codd.node.wire.NodeAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Flight client per node address, shared by all queries; gRPC reconnects on its own. */
final class NodeClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeClients.class);

    private final BufferAllocator allocator;
    private final Map<NodeAddress, FlightClient> clients = new ConcurrentHashMap<>();

    NodeClients(BufferAllocator allocator) {
        this.allocator = allocator;
    }

    FlightClient client(NodeAddress address) {
        return clients.computeIfAbsent(address,
                a -> FlightClient.builder(allocator, Location.forGrpcInsecure(a.host(), a.port())).build());
    }

    @Override
    public void close() {
        for (FlightClient client : clients.values()) {
            try {
                client.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("Closing a node client: {}", e.toString());
            }
        }
        clients.clear();
    }
}
