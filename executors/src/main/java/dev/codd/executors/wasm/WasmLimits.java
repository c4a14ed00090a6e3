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
    /** WebAssembly's own ceiling: 4 GiB of 64 KiB pages. */
    public static final int MAX_PAGES = 65_536;

    public WasmLimits {
        if (timeoutMillis <= 0) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "timeout_ms must be positive, not " + timeoutMillis);
        }
        if (memoryPages <= 0 || memoryPages > MAX_PAGES) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "memory_pages must be between 1 and " + MAX_PAGES + ", not " + memoryPages);
        }
    }
}
