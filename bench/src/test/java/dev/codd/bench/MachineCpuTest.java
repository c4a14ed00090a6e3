package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineCpuTest {
    @Test
    void readsBusyTimeAndContextSwitchesThatOnlyGrow() throws Exception {
        MachineCpu.Counters before = MachineCpu.read();
        Thread.sleep(20); // a switch to another thread at least
        MachineCpu.Counters after = MachineCpu.read();
        assertTrue(before.busyMicros() >= 0 && before.contextSwitches() > 0, before.toString());
        assertTrue(after.busyMicros() >= before.busyMicros(), after + " after " + before);
        assertTrue(after.contextSwitches() > before.contextSwitches(), after + " after " + before);
    }

    @Test
    void dividesWhatChangedByTheEvents() {
        MachineCpu.Counters before = new MachineCpu.Counters(1_000, 50);
        MachineCpu.Counters after = new MachineCpu.Counters(4_000, 80);
        assertEquals(750.0, after.perEvent(before, 4, MachineCpu.Counters::busyMicros));
        assertEquals(7.5, after.perEvent(before, 4, MachineCpu.Counters::contextSwitches));
    }

    @Test
    void saysUnknownWhenACounterIsUnknownOrNothingHappened() {
        MachineCpu.Counters known = new MachineCpu.Counters(1_000, 50);
        assertEquals(-1, known.perEvent(MachineCpu.Counters.UNKNOWN, 4, MachineCpu.Counters::contextSwitches));
        assertEquals(-1, MachineCpu.Counters.UNKNOWN.perEvent(known, 4, MachineCpu.Counters::busyMicros));
        assertEquals(-1, known.perEvent(known, 0, MachineCpu.Counters::busyMicros));
    }
}
