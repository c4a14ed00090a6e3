package dev.codd.executors.wasm;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;

/**
 * What a WASM function may use on a node.
 *
 * @param timeoutMillis how long one call over one batch of rows may run before it is stopped
 * @param memoryPages how many 64 KiB pages its linear memory may grow to
 * @param wasi whether it may import WASI's clocks, random numbers, empty arguments and environment
 *     (never files or sockets)
 */
public record WasmLimits(long timeoutMillis, int memoryPages, boolean wasi) {
    public static final WasmLimits DEFAULT = new WasmLimits(1_000, 256, false);
    /** The most any function may have: 1 GiB of memory, a minute per batch, so that one user cannot take a node. */
    public static final int MAX_PAGES = 16_384;
    public static final long MAX_TIMEOUT_MILLIS = 60_000;

    public WasmLimits {
        if (timeoutMillis <= 0 || timeoutMillis > MAX_TIMEOUT_MILLIS) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "timeout_ms must be between 1 and " + MAX_TIMEOUT_MILLIS
                    + ", not " + timeoutMillis);
        }
        if (memoryPages <= 0 || memoryPages > MAX_PAGES) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "memory_pages must be between 1 and " + MAX_PAGES + ", not " + memoryPages);
        }
    }
}
