package dev.codd.node.wire;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.util.regex.Pattern;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Result;

/**
 * Errors on the wire: a {@link CoddException} travels as a Flight status whose metadata carries
 * the error code and SQLState, so the driver and the requester get them back intact.
 */
public final class WireErrors {
    /** Metadata key of the SQLState; the driver reads it. */
    public static final String SQLSTATE_KEY = "codd-sqlstate";
    /** Metadata key of the vendor code; the driver reads it. */
    public static final String VENDOR_CODE_KEY = "codd-error-code";
    private static final String NAME_KEY = "codd-error-name";

    private WireErrors() {}

    public static FlightRuntimeException toFlight(CoddException e) {
        ErrorCode code = e.errorCode();
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(SQLSTATE_KEY, code.sqlState());
        metadata.insert(VENDOR_CODE_KEY, Integer.toString(code.code()));
        metadata.insert(NAME_KEY, code.name());
        return new CallStatus(statusOf(code), null, e.getMessage(), metadata).toRuntimeException();
    }

    /** Whether the peer explained the failure with a Codd error code (else the call itself failed). */
    public static boolean hasCoddCode(FlightRuntimeException e) {
        ErrorFlightMetadata metadata = e.status().metadata();
        return metadata != null && metadata.containsKey(NAME_KEY);
    }

    /** The error a Flight call failed with, as Codd's; {@code unknown} is used when the peer sent no code. */
    public static CoddException fromFlight(FlightRuntimeException e, ErrorCode unknown, String prefix) {
        String name = hasCoddCode(e) ? e.status().metadata().get(NAME_KEY) : null;
        ErrorCode code = unknown;
        if (name != null) {
            try {
                code = ErrorCode.valueOf(name);
            } catch (IllegalArgumentException ignored) {
                // a peer of another version: keep the fallback code
            }
        }
        String description = e.status().description();
        if (description == null || description.isBlank()) {
            description = e.status().code().name();
        }
        return new CoddException(code, prefix + description, e);
    }

    /**
     * The error a node's Flight call failed with, as Codd's, saying which node it came from: the
     * node's own message often names it already ("Node site-a does not run image …"), and then
     * it is not said twice.
     */
    public static CoddException fromNode(FlightRuntimeException e, ErrorCode unknown, String node) {
        String description = e.status().description();
        // the name ends where no character of a name follows, but a sentence's full stop or a colon may
        boolean named = description != null && Pattern.compile("\\b[Nn]ode " + Pattern.quote(node)
                + "(?![\\w-]|[.:][\\w.:-])").matcher(description).find();
        return fromFlight(e, unknown, named ? "" : "Node " + node + ": ");
    }

    /**
     * Runs an action's {@code work}, which sends its results, and ends the action: completed, or
     * failed with Codd's error (any other exception is an internal one, never left unanswered).
     */
    public static void answer(FlightProducer.StreamListener<Result> listener, Runnable work) {
        try {
            work.run();
            listener.onCompleted();
        } catch (CoddException e) {
            listener.onError(toFlight(e));
        } catch (RuntimeException e) {
            listener.onError(toFlight(new CoddException(ErrorCode.INTERNAL_ERROR, e.toString(), e)));
        }
    }

    private static FlightStatusCode statusOf(ErrorCode code) {
        if (code == ErrorCode.QUERY_CANCELLED) {
            return FlightStatusCode.CANCELLED;
        }
        return switch (code.kind()) {
            case USER -> code == ErrorCode.FRAGMENT_REFUSED ? FlightStatusCode.UNAUTHORIZED
                    : FlightStatusCode.INVALID_ARGUMENT;
            case INTERNAL -> FlightStatusCode.INTERNAL;
            case INSUFFICIENT_RESOURCES, EXTERNAL -> FlightStatusCode.UNAVAILABLE;
        };
    }
}
