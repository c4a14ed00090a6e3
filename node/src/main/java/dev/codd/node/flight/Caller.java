package dev.codd.node.flight;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightServer;

/**
 * Who is on the other end of a Flight call: the address the connection comes from (as the server
 * sees it) and what the client says of itself and its call in {@code codd-*} headers (user,
 * application, driver, the query's time limit). The audit log records them; none of them is a
 * credential.
 *
 * @param user null when the client named none
 * @param application null when the client named none
 * @param queryTimeoutMillis how long the client lets the query run ({@code codd-query-timeout-ms}); 0 for no limit
 * @param fetchSize how many rows the client wants in a batch ({@code codd-fetch-size}); 0 for the default
 * @param progressKey a key the client chose for the query it starts ({@code codd-progress-key}, a
 *     UUID), to ask its progress by while the call that starts it has not returned the query's ID;
 *     null when it chose none
 */
public record Caller(String address, String user, String application, String driver, long queryTimeoutMillis,
        int fetchSize, String progressKey) {
    private static final Context.Key<Caller> CURRENT = Context.key("codd-caller");
    private static final Caller UNKNOWN = new Caller("unknown", null, null, null, 0, 0, null);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Makes {@link #current} work in the producer methods of a server built by {@code builder}. */
    public static FlightServer.Builder recordOn(FlightServer.Builder builder) {
        Consumer<NettyServerBuilder> addInterceptor = netty -> netty.intercept(new Interceptor());
        return builder.transportHint("grpc.builderConsumer", addInterceptor);
    }

    /** The caller of the Flight call this thread serves; {@code unknown} outside one. */
    public static Caller current() {
        Caller caller = CURRENT.get();
        return caller != null ? caller : UNKNOWN;
    }

    private static final class Interceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            Caller caller = new Caller(address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
                    header(headers, "codd-user"), header(headers, "codd-application"),
                    header(headers, "codd-driver") != null ? header(headers, "codd-driver") : header(headers, "user-agent"),
                    wholeNumber(header(headers, "codd-query-timeout-ms")),
                    (int) Math.min(Integer.MAX_VALUE, wholeNumber(header(headers, "codd-fetch-size"))),
                    uuid(header(headers, "codd-progress-key")));
            return Contexts.interceptCall(Context.current().withValue(CURRENT, caller), call, headers, next);
        }

        private static String address(SocketAddress address) {
            if (address instanceof InetSocketAddress inet) {
                return inet.getAddress() != null ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : inet.toString();
            }
            return String.valueOf(address);
        }

        /** A UUID from a header; null when absent or anything else. */
        private static String uuid(String value) {
            return value != null && UUID.matcher(value).matches() ? value : null;
        }

        /** A whole number from a header; 0 when absent or malformed. */
        private static long wholeNumber(String value) {
            try {
                return value == null ? 0 : Math.max(0, Long.parseLong(value));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        private static String header(Metadata headers, String name) {
            String value = headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
            if (value == null) {
                return null;
            }
            try {
                return URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return value;
            }
        }
    }
}
