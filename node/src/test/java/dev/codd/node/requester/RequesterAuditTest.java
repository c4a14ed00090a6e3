package dev.codd.node.requester;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.wire.SignedHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of the heads nodes send in heartbeats the requester keeps in its log, and which it flags. */
class RequesterAuditTest {
    private static final String HASH = "ab".repeat(32);

    @TempDir
    Path dir;
    private final Settable clock = new Settable();

    @Test
    void theLastHeadOfANodeThatWentQuietIsKeptOnceItsTimeComes() throws Exception {
        NodeKey key = NodeKey.loadOrCreate(dir.resolve("key"));
        try (AuditLog log = open()) {
            RequesterAudit audit = new RequesterAudit(log, clock);
            audit.nodeHead(head(key, 1));
            clock.advance(Duration.ofSeconds(5));
            SignedHead last = head(key, 2);
            audit.nodeHead(last); // too soon after the first to be kept
            assertEquals(List.of(1L), keptSeqs());
            clock.advance(Duration.ofSeconds(6));
            audit.nodeHead(last); // the same head again: the node wrote nothing since
            assertEquals(List.of(1L, 2L), keptSeqs());
            audit.nodeHead(last);
            assertEquals(List.of(1L, 2L), keptSeqs(), "kept once");
        }
    }

    @Test
    void headsNotKeptYetAreKeptBeforeTheLogCloses() throws Exception {
        NodeKey key = NodeKey.loadOrCreate(dir.resolve("key"));
        try (AuditLog log = open()) {
            RequesterAudit audit = new RequesterAudit(log, clock);
            audit.nodeHead(head(key, 1));
            audit.nodeHead(head(key, 7));
            audit.keepLastHeads();
            assertEquals(List.of(1L, 7L), keptSeqs());
        }
    }

    @Test
    void aSuspectHeadIsRecordedOnceHoweverOftenItComes() throws Exception {
        NodeKey key = NodeKey.loadOrCreate(dir.resolve("key"));
        NodeKey other = NodeKey.loadOrCreate(dir.resolve("other-key"));
        try (AuditLog log = open()) {
            RequesterAudit audit = new RequesterAudit(log, clock);
            audit.nodeHead(head(key, 5));
            SignedHead rekeyed = head(other, 6);
            SignedHead wentBack = head(key, 3);
            for (int beat = 0; beat < 3; beat++) {
                audit.nodeHead(rekeyed);
            }
            audit.nodeHead(wentBack);
            audit.nodeHead(wentBack);
            assertEquals(2, records(log, "node.audit.suspect"), "one for each suspect head");
            assertEquals(List.of(5L), keptSeqs());
        }
    }

    private static SignedHead head(NodeKey key, long seq) {
        return key.sign("n1", new AuditLog.Head(seq, HASH));
    }

    private AuditLog open() {
        return AuditLog.open(dir.resolve("log"), "requester", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of());
    }

    private List<Long> keptSeqs() throws Exception {
        return SignedHeads.read(dir.resolve("log"), "n1").stream().map(SignedHead::seq).toList();
    }

    private static long records(AuditLog log, String type) throws Exception {
        long count = 0;
        for (Path segment : log.segments()) {
            count += Files.readAllLines(segment).stream().filter(line -> line.contains("\"type\":\"" + type + "\"")).count();
        }
        return count;
    }

    /** A clock the test moves. */
    private static final class Settable extends Clock {
        private Instant now = Instant.parse("2026-12-05T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("not needed here");
        }
    }
}
