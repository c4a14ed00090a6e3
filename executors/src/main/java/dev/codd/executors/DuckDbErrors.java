package dev.codd.executors;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Gives DuckDB's errors ("Binder Error: …") the error codes clients see. */
public final class DuckDbErrors {
    /**
     * How a user's function that failed inside DuckDB says so (see {@code WasmScalar}), on the first
     * line of what DuckDB's Java driver reports: the Java stack trace that follows is not for users.
     */
    private static final Pattern USER_FUNCTION_FAILED = Pattern.compile("WASM function .+ failed on [^\n]*");
    private DuckDbErrors() {}

    /** A DuckDB failure: from its JDBC driver, or while a result streams, where it arrives as another exception. */
    public static CoddException translate(Throwable e) {
        String message = message(e);
        Matcher userFunction = USER_FUNCTION_FAILED.matcher(message);
        if (userFunction.find()) { // its own words, without the "Invalid Input Error" DuckDB wraps them in
            return new CoddException(ErrorCode.FUNCTION_FAILED, userFunction.group(), e);
        }
        return new CoddException(codeOf(message), message, e);
    }

    /** DuckDB's message without the source-position lines it appends or Arrow's C-data wrapping. */
    public static String message(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int wrapped = message.indexOf("CDataJniException{");
        int start = message.indexOf("message=", Math.max(wrapped, 0));
        if (wrapped >= 0 && start >= 0) {
            message = message.substring(start + "message=".length());
            message = message.endsWith("}") ? message.substring(0, message.length() - 1) : message;
        }
        int lineMarker = message.indexOf("\n\nLINE ");
        return lineMarker < 0 ? message.strip() : message.substring(0, lineMarker).strip();
    }

    /**
     * Whether DuckDB's JDBC driver replaced the reason a streamed query failed at its start with
     * "Invalid result set"; running the query without streaming tells the reason.
     */
    static boolean lostReason(SQLException e) {
        return String.valueOf(e.getMessage()).contains("Invalid result set");
    }

    static ErrorCode codeOf(String message) {
        if (message.startsWith("Parser Error") || message.startsWith("Syntax Error")) {
            return ErrorCode.SYNTAX_ERROR;
        } else if (message.startsWith("Catalog Error")) {
            if (message.contains("Table with name")) {
                return ErrorCode.TABLE_NOT_FOUND;
            }
            return message.contains("Function with name") ? ErrorCode.FUNCTION_NOT_FOUND : ErrorCode.INVALID_QUERY;
        } else if (message.startsWith("Binder Error")) {
            if (message.contains("Referenced column")) {
                return ErrorCode.COLUMN_NOT_FOUND;
            }
            return message.contains("No function matches") ? ErrorCode.FUNCTION_NOT_FOUND : ErrorCode.INVALID_QUERY;
        } else if (message.startsWith("Conversion Error")) {
            return ErrorCode.INVALID_CAST;
        } else if (message.startsWith("Out of Range Error")) {
            return ErrorCode.NUMERIC_OUT_OF_RANGE;
        } else if (message.startsWith("Invalid Input Error")) {
            return ErrorCode.INVALID_ARGUMENT;
        } else if (message.startsWith("Permission Error")) {
            return ErrorCode.FRAGMENT_REFUSED;
        } else if (message.startsWith("Not implemented Error")) {
            return ErrorCode.NOT_SUPPORTED;
        } else if (message.startsWith("INTERRUPT Error") || message.contains("Interrupted")) {
            return ErrorCode.QUERY_CANCELLED;
        } else if (message.startsWith("IO Error")) {
            return ErrorCode.DATA_ERROR;
        }
        return ErrorCode.INTERNAL_ERROR;
    }
}
