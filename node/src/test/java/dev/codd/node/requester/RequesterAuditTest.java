package dev.codd.node.requester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.wire.SignedHead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of the heads nodes send in heartbeats the requester keeps in its log, and which it flags. */
class RequesterAuditTest {
    private static final String HASH = "ab".repeat(32);

    @TempDir
    Path dir;
    private final Settable clock = new Settable();
    /** The key node n1 signs with, and another. */
    private NodeKey key;
    private NodeKey other;

    @BeforeEach
    void keys() {
        key = NodeKey.loadOrCreate(dir.resolve("key"));
        other = NodeKey.loadOrCreate(dir.resolve("other-key"));
    }

    @Test
    void theLastHeadOfANodeThatWentQuietIsKeptOnceItsTimeComes() throws Exception {
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
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
        RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES);
        audit.nodeHead(head(key, 1));
        audit.nodeHead(head(key, 7));
        assertEquals(List.of(1L), keptSeqs());
        audit.close();
        assertEquals(List.of(1L, 7L), keptSeqs());
    }

    @Test
    void aSuspectHeadIsFlaggedOnceAndTheNodesLaterHeadsAreCheckedAgainstIt() throws Exception {
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            audit.nodeHead(head(key, 5));
            for (int beat = 0; beat < 3; beat++) {
                audit.nodeHead(head(other, 6)); // a lost key: the node made another
            }
            audit.nodeHead(head(other, 7)); // signed as the last one: nothing to flag
            SignedHead good = head(other, 8);
            for (long seq = 9; seq < 12; seq++) { // a node whose signing broke sends a new head every second
                audit.nodeHead(new SignedHead("n1", seq, HASH, good.time(), good.publicKey(), good.signature()));
            }
            audit.nodeHead(head(other, 7)); // the last good head again: signing works once more
            audit.nodeHead(new SignedHead("n1", 12, HASH, good.time(), good.publicKey(), good.signature()));
            audit.nodeHead(head(other, 3));
            audit.nodeHead(head(other, 3));
            audit.nodeHead(head(other, 4));
            assertEquals(List.of("it is signed with another key than before", "its signature does not hold",
                    "its signature does not hold", "the log went back from record 7 to 3"), problems());
            assertEquals(List.of(5L, 6L, 3L), keptSeqs(), "each flagged head is kept: the node's next ones follow it");
        }
    }

    @Test
    void aRestartedRequesterStillKnowsEachNodesKeyAndLastHead() throws Exception {
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            audit.nodeHead(head(key, 5));
        }
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            audit.nodeHead(head(other, 6)); // the node's log and key were replaced while the requester was down
        }
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            audit.nodeHead(head(other, 2));
            audit.nodeHead(head(other, 9));
        }
        assertEquals(List.of("it is signed with another key than before", "the log went back from record 6 to 2"),
                problems());
        assertEquals(List.of(5L, 6L, 2L, 9L), keptSeqs());
    }

    @Test
    void theNewestSegmentAloneTellsARestartedRequesterEveryNodesLastHead() throws Exception {
        try (RequesterAudit audit = open(2_000)) {
            audit.nodeHead(head(key, 5));
            audit.nodeHead(key.sign("n2", new AuditLog.Head(8, HASH)));
            for (int i = 0; i < 20; i++) {
                audit.log().orElseThrow().append("query.ended", Map.of("query", "q" + i, "pad", "x".repeat(200)));
            }
        }
        // every segment but the newest archived away: the heads kept in them are carried in it
        List<Path> segments = segments();
        assertTrue(segments.size() > 2, segments.toString());
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (Path old : segments.subList(0, segments.size() - 1)) {
            Files.move(old, archive.resolve(old.getFileName()));
        }
        assertEquals(List.of(8L), SignedHeads.verified(dir.resolve("log"), "n2").heads().stream().map(AuditVerifier.Witness::seq).toList(),
                "what codd audit verify --requester checks a node's log against");
        try (RequesterAudit audit = open(2_000)) {
            audit.nodeHead(head(other, 6));
            audit.nodeHead(key.sign("n2", new AuditLog.Head(4, HASH)));
        }
        assertEquals(List.of("it is signed with another key than before", "the log went back from record 8 to 4"),
                problems());
    }

    @Test
    void aLogWithoutCheckpointsOrWithAnEmptyNewestSegmentIsReadBackToTheLastHeadsAndGetsACheckpoint() throws Exception {
        // written as a requester did before checkpoints: the head is in an older segment only
        try (AuditLog log = AuditLog.open(dir.resolve("log"), "requester", 2_000, Map.of())) {
            log.append(SignedHeads.TYPE, SignedHeads.data(head(key, 5)));
            for (int i = 0; i < 20; i++) {
                log.append("query.ended", Map.of("query", "q" + i, "pad", "x".repeat(200)));
            }
            // and the machine failed just after the next segment was made: it is empty
            Files.createFile(dir.resolve("log").resolve(String.format("audit-%010d.jsonl", log.head().seq() + 1)));
        }
        assertTrue(segments().size() > 2);
        try (RequesterAudit audit = open(2_000)) {
            audit.nodeHead(head(other, 6));
        }
        assertEquals(List.of("it is signed with another key than before"), problems());
        assertTrue(SignedHeads.lastKept(dir.resolve("log")).readAlone(), "a checkpoint was written: no need to go back again");
    }

    @Test
    void aLastLineCutInTheMiddleOfACharacterDoesNotStopARestart() throws Exception {
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            audit.nodeHead(head(key, 5));
        }
        byte[] cut = "{\"seq\":99,\"type\":\"query.accepted\",\"data\":{\"sql\":\"SELECT 'Z\u00fcrich'".getBytes(StandardCharsets.UTF_8);
        Files.write(segments().get(0), Arrays.copyOf(cut, cut.length - 6), StandardOpenOption.APPEND); // after the ü's first byte
        try (RequesterAudit audit = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            audit.nodeHead(head(other, 6));
        }
        assertEquals(List.of("it is signed with another key than before"), problems());
    }

    @Test
    void aRequesterRefusedItsLogLeavesNothingOpen() {
        try (RequesterAudit first = open(AuditLog.DEFAULT_SEGMENT_BYTES); BufferAllocator root = new RootAllocator()) {
            CoddException refused = assertThrows(CoddException.class, () -> Requester.start(new Requester.Config("127.0.0.1", 0,
                    Duration.ofSeconds(2), Duration.ofSeconds(30), dir.resolve("log"), null, null, null, null), root));
            assertEquals(ErrorCode.DATA_ERROR, refused.errorCode());
            assertTrue(refused.getMessage().contains("this process writes it already"), refused.getMessage());
            assertEquals(Set.of(), root.getChildAllocators(), "nothing of the requester's left open");
        }
    }

    private static SignedHead head(NodeKey signer, long seq) {
        return signer.sign("n1", new AuditLog.Head(seq, HASH));
    }

    private RequesterAudit open(long segmentBytes) {
        return RequesterAudit.open(dir.resolve("log"), segmentBytes, Map.of(), clock);
    }

    private List<Long> keptSeqs() throws Exception {
        AuditVerifier.Anchor anchor = SignedHeads.verified(dir.resolve("log"), "n1");
        assertTrue(anchor.report().ok(), anchor.report().toString());
        return anchor.heads().stream().map(AuditVerifier.Witness::seq).toList();
    }

    private List<String> problems() throws Exception {
        return records("node.audit.suspect").stream().map(line -> line.replaceAll(".*\"problem\":\"([^\"]*)\".*", "$1"))
                .toList();
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private List<String> records(String type) throws Exception {
        List<String> records = new ArrayList<>();
        for (Path segment : segments()) {
            Files.readAllLines(segment).stream().filter(line -> line.contains("\"type\":\"" + type + "\""))
                    .forEach(records::add);
        }
        return records;
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
