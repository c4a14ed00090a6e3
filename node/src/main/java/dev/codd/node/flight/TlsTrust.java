package dev.codd.node.flight;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.wire.NodeAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How a client of the requester checks it over TLS: against the root certificates of a PEM file,
 * or, without one, against the JVM's trusted authorities. A null {@code TlsTrust} is no TLS.
 */
public record TlsTrust(Path rootCertificates) {
    /** A client of {@code address}: over TLS when {@code trust} is given, in plain text when it is null. */
    public static FlightClient client(BufferAllocator allocator, NodeAddress address, TlsTrust trust) {
        if (trust == null) {
            return FlightClient.builder(allocator, Location.forGrpcInsecure(address.host(), address.port())).build();
        }
        FlightClient.Builder builder = FlightClient.builder(allocator, Location.forGrpcTls(address.host(), address.port()))
                .useTls();
        try { // the builder reads the roots when it builds
            if (trust.rootCertificates() != null) {
                builder.trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(trust.rootCertificates())));
            }
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Cannot set up TLS to the requester at " + address
                    + (trust.rootCertificates() == null ? "" : " with the roots in " + trust.rootCertificates()) + ": "
                    + e.getMessage());
        }
    }
}
