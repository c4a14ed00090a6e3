package dev.codd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time the whole machine spent busy, from Linux's {@code /proc/stat}: it counts what the
 * kernel does for a process (an fsync's journal commit runs in a kernel thread) as well as the
 * process itself.
 */
final class MachineCpu {
    private static final Path STAT = Path.of("/proc/stat");
    /** {@code /proc/stat} counts in clock ticks, 100 a second on Linux. */
    private static final long MICROS_PER_TICK = 10_000;

    private MachineCpu() {}

    /** Busy time of all CPUs since boot in microseconds (user, nice, system, irq, softirq), or -1 where unknown. */
    static long busyMicros() {
        try {
            // cpu  user nice system idle iowait irq softirq steal ...
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                ticks += Long.parseLong(fields[i]);
            }
            return ticks * MICROS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
