package dev.codd.jdbc;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * Turns what the requester reports into SQLExceptions of the class its SQLState names: the
 * requester sends the SQLState and vendor code in the Flight status metadata.
 */
final class CoddErrors {
    private static final String SQLSTATE_KEY = "codd-sqlstate";
    private static final String VENDOR_CODE_KEY = "codd-error-code";

    /** Carries an SQLException through Avatica's interfaces, which throw only unchecked exceptions. */
    static final class Carrier extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Carrier(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    private CoddErrors() {}

    static SQLException badUrl(String message) {
        return new SQLNonTransientConnectionException(message, "08001");
    }

    static SQLException fromFlight(FlightRuntimeException e, String endpoint) {
        ErrorFlightMetadata metadata = e.status().metadata();
        String sqlState = metadata != null && metadata.containsKey(SQLSTATE_KEY) ? metadata.get(SQLSTATE_KEY) : null;
        String description = e.status().description();
        if (description == null || description.isBlank()) {
            description = e.status().code().name();
        }
        if (sqlState != null) {
            int vendorCode = metadata.containsKey(VENDOR_CODE_KEY) ? parseCode(metadata.get(VENDOR_CODE_KEY)) : 0;
            return create(description, sqlState, vendorCode, e);
        }
        return switch (e.status().code()) {
            case UNAVAILABLE -> new SQLNonTransientConnectionException(
                    "Cannot reach the Codd requester at " + endpoint + ": " + description, "08006", 0, e);
            case CANCELLED -> new SQLException("Query cancelled: " + description, "57014", 0, e);
            case TIMED_OUT -> new SQLTimeoutException(description, "HYT00", 0, e);
            case UNAUTHENTICATED -> new SQLInvalidAuthorizationSpecException(description, "28000", 0, e);
            case UNIMPLEMENTED -> new SQLFeatureNotSupportedException(description, "0A000", 0, e);
            default -> new SQLException(description, "HY000", 0, e);
        };
    }

    /** The SQLException subclass that JDBC assigns to an SQLState class. */
    static SQLException create(String message, String sqlState, int vendorCode, Throwable cause) {
        String sqlClass = sqlState.length() >= 2 ? sqlState.substring(0, 2) : "";
        return switch (sqlClass) {
            case "42" -> new SQLSyntaxErrorException(message, sqlState, vendorCode, cause);
            case "22" -> new SQLDataException(message, sqlState, vendorCode, cause);
            case "0A" -> new SQLFeatureNotSupportedException(message, sqlState, vendorCode, cause);
            case "08" -> new SQLNonTransientConnectionException(message, sqlState, vendorCode, cause);
            case "28" -> new SQLInvalidAuthorizationSpecException(message, sqlState, vendorCode, cause);
            case "57", "58" -> sqlState.equals("57014")
                    ? new SQLException(message, sqlState, vendorCode, cause)
                    : new SQLTransientException(message, sqlState, vendorCode, cause);
            default -> sqlState.equals("HYT00")
                    ? new SQLTimeoutException(message, sqlState, vendorCode, cause)
                    : new SQLException(message, sqlState, vendorCode, cause);
        };
    }

    /**
     * What a statement throws when {@code cancelled}: Avatica's own "Statement canceled" has no
     * SQLState, the client's cancel of a starting query comes back as a gRPC cancellation.
     */
    static SQLException cancelled(SQLException e, boolean cancelled) {
        SQLException ours = unwrap(e);
        return cancelled && !"57014".equals(ours.getSQLState()) ? new SQLException("Query cancelled", "57014", ours) : ours;
    }

    /**
     * The SQLException a Codd call failed with, if Avatica wrapped one of ours; otherwise {@code e}.
     */
    static SQLException unwrap(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof Carrier carrier) {
                return carrier.sqlException();
            }
        }
        return e;
    }

    private static int parseCode(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
