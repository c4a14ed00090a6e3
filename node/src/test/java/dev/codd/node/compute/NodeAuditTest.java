package dev.codd.node.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.flight.Caller;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.SignedHead;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAuditTest {
    private static final FragmentTicket TICKET = new FragmentTicket("q1", "ada", "SELECT 1", Map.of(), List.of(), 0, List.of());
    private static final Caller REQUESTER = new Caller("127.0.0.1:7600", null, null, null, 0, 0, null);

    @TempDir
    Path dir;

    private NodeAudit audit(AuditSync sync) {
        NodeKey key = NodeKey.loadOrCreate(dir);
        key.sign("node1", new AuditLog.Head(0, "0".repeat(64))); // the first signature loads the JDK's Ed25519: slow
        return new NodeAudit("node1", AuditLog.open(dir, "node node1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of()), key, sync);
    }

    @Test
    void byDefaultAFragmentsRecordIsOnDiskOnceWaitedFor() {
        try (NodeAudit audit = audit(AuditSync.FRAGMENT)) {
            AuditLog.Head started = audit.started(TICKET, REQUESTER, List.of());
            audit.beforeFirstRow(started);
            assertTrue(audit.log().durable().seq() >= started.seq(), "on disk before the first row leaves");
        }
    }

    @Test
    void onTheIntervalAFragmentDoesNotWaitForTheDiskButItsRecordIsWrittenAndSoonSynced() throws Exception {
        try (NodeAudit audit = audit(AuditSync.INTERVAL)) {
            long before = System.nanoTime();
            AuditLog.Head started = audit.started(TICKET, REQUESTER, List.of());
            audit.beforeFirstRow(started);
            SignedHead signed = audit.signedHead();
            AuditLog.Head durable = audit.log().durable();
            long tookMillis = (System.nanoTime() - before) / 1_000_000;
            assertEquals(started, audit.log().head(), "written before the first row leaves");
            if (tookMillis < AuditLog.SYNC_INTERVAL_MILLIS) { // else the flusher's timer may have come meanwhile
                assertTrue(durable.seq() < started.seq(), "the fragment did not wait for an fsync");
                assertTrue(signed.seq() < started.seq(), "a record not yet on disk is not signed");
            }
            long deadline = System.nanoTime() + 2 * AuditLog.SYNC_INTERVAL_MILLIS * 1_000_000 + 1_000_000_000L;
            while (audit.log().durable().seq() < started.seq() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(started, audit.log().durable(), "synced on the flusher's timer");
        }
    }
}
