package dev.codd.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.codd.common.ErrorCode;

/** Why a table cannot be queried now, as the error a query of it gets; the message names nodes and files. */
public record TableProblem(ErrorCode code, String message) {
    public TableProblem {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
    }
}
