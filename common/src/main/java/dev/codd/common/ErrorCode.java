package dev.codd.common;

/**
 * Every error Codd reports, with the SQLState a JDBC client sees and a stable vendor code.
 *
 * <p>Codes come in ranges by kind, as in Trino: user errors from 0, internal errors from 65536,
 * insufficient resources from 131072, external failures (a node, the network) from 196608.
 */
public enum ErrorCode {
    SYNTAX_ERROR(0x0000_0001, "42000", Kind.USER),
    TABLE_NOT_FOUND(0x0000_0002, "42S02", Kind.USER),
    COLUMN_NOT_FOUND(0x0000_0003, "42S22", Kind.USER),
    FUNCTION_NOT_FOUND(0x0000_0004, "42883", Kind.USER),
    INVALID_QUERY(0x0000_0005, "42000", Kind.USER),
    NOT_SUPPORTED(0x0000_0006, "0A000", Kind.USER),
    INVALID_CAST(0x0000_0007, "22018", Kind.USER),
    NUMERIC_OUT_OF_RANGE(0x0000_0008, "22003", Kind.USER),
    INVALID_ARGUMENT(0x0000_000A, "22023", Kind.USER),
    INVALID_PARAMETER(0x0000_000B, "07001", Kind.USER),
    SCHEMA_CONFLICT(0x0000_000C, "42000", Kind.USER),
    /** A request a node refuses: unknown CID, not a single read-only query, a forbidden function. */
    FRAGMENT_REFUSED(0x0000_000D, "42501", Kind.USER),
    QUERY_CANCELLED(0x0000_000E, "57014", Kind.USER),
    UNKNOWN_STATEMENT(0x0000_000F, "26000", Kind.USER),
    /** The query ran past the time its statement allowed ({@code Statement.setQueryTimeout}). */
    QUERY_TIMED_OUT(0x0000_0010, "HYT00", Kind.USER),
    /** A user's function failed: it trapped, ran past its time, or outgrew its memory (SQL's external routine exception). */
    FUNCTION_FAILED(0x0000_0011, "38000", Kind.USER),
    /** CREATE FUNCTION of a name that exists, without OR REPLACE. */
    FUNCTION_EXISTS(0x0000_0012, "42723", Kind.USER),
    /** A query too big for what must hold it (its audit record, say): SQL's program limit exceeded. */
    PROGRAM_LIMIT_EXCEEDED(0x0000_0013, "54000", Kind.USER),

    INTERNAL_ERROR(0x0001_0000, "XX000", Kind.INTERNAL),

    NO_LIVE_REPLICA(0x0002_0000, "57P03", Kind.INSUFFICIENT_RESOURCES),

    NODE_UNAVAILABLE(0x0003_0000, "58000", Kind.EXTERNAL),
    NODE_FAILED(0x0003_0001, "58000", Kind.EXTERNAL),
    DATA_ERROR(0x0003_0002, "58030", Kind.EXTERNAL);

    /** What kind of failure a code is: whose fault, and whether a retry may help. */
    public enum Kind { USER, INTERNAL, INSUFFICIENT_RESOURCES, EXTERNAL }

    private final int code;
    private final String sqlState;
    private final Kind kind;

    ErrorCode(int code, String sqlState, Kind kind) {
        this.code = code;
        this.sqlState = sqlState;
        this.kind = kind;
    }

    public int code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }

    public Kind kind() {
        return kind;
    }
}
