package dev.codd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What the whole machine's CPUs did, from Linux's {@code /proc/stat}: it counts what the kernel
 * does for a process (an fsync's journal commit runs in a kernel thread) as well as the process
 * itself.
 */
final class MachineCpu {
    private static final Path STAT = Path.of("/proc/stat");
    /** {@code /proc/stat} counts in clock ticks, 100 a second on Linux. */
    private static final long MICROS_PER_TICK = 10_000;

    /**
     * Busy time of all CPUs since boot in microseconds (user, nice, system, irq, softirq), and how
     * many times they switched from one thread to another (a thread that waits for an fsync costs
     * two). Both -1 where the system does not say.
     */
    record Counters(long busyMicros, long contextSwitches) {
        static final Counters UNKNOWN = new Counters(-1, -1);

        /** {@code counter} of {@code this - before} per {@code events}, or -1 where unknown. */
        double perEvent(Counters before, long events, ToLongFunction<Counters> counter) {
            long now = counter.applyAsLong(this);
            long then = counter.applyAsLong(before);
            return now < 0 || then < 0 || events == 0 ? -1 : (now - then) / (double) events;
        }
    }

    private MachineCpu() {}

    static Counters read() {
        try {
            List<String> lines = Files.readAllLines(STAT);
            // cpu  user nice system idle iowait irq softirq steal ...
            String[] cpu = lines.get(0).trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                ticks += Long.parseLong(cpu[i]);
            }
            long switches = lines.stream().filter(line -> line.startsWith("ctxt ")).findFirst()
                    .map(line -> Long.parseLong(line.substring("ctxt ".length()).trim())).orElse(-1L);
            return new Counters(ticks * MICROS_PER_TICK, switches);
        } catch (IOException | RuntimeException e) {
            return Counters.UNKNOWN;
        }
    }
}
