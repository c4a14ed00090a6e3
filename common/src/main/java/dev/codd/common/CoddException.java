package dev.codd.common;

import static java.util.Objects.requireNonNull;

/** The one unchecked exception of Codd's server side; its code says what the client sees. */
public class CoddException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public CoddException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public CoddException(ErrorCode errorCode, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
