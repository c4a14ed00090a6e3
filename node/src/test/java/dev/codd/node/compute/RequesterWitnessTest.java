package dev.codd.node.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.RequesterHeads;
import dev.codd.node.wire.HeartbeatReply.LogHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequesterWitnessTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String REQUESTER = "127.0.0.1:7600";

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong();

    /** The heads the node's log kept, as "SEQ:first letter of the hash", with the problem if any. */
    private List<String> kept() throws Exception {
        List<String> kept = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path segment : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(segment)) {
                    if (line.contains("\"type\":\"" + RequesterHeads.TYPE + "\"")) {
                        String seq = line.replaceAll(".*\"data\":\\{\"requester\":\"[^\"]*\",\"seq\":(\\d+),.*", "$1");
                        String hash = line.replaceAll(".*\"data\":\\{\"requester\":\"[^\"]*\",\"seq\":\\d+,\"hash\":\"(.).*", "$1");
                        String problem = line.contains("\"problem\"") ? line.replaceAll(".*\"problem\":\"([^\"]*)\".*", " ($1)") : "";
                        kept.add(seq + ":" + hash + problem);
                    }
                }
            }
        }
        return kept;
    }

    private void after(long seconds) {
        now.addAndGet(seconds * 1_000_000_000L);
    }

    @Test
    void theFirstHeadIsKeptAtOnceThenOneEveryTenSecondsAndTheLastWhenTheRequesterGoesAway() throws Exception {
        try (AuditLog log = AuditLog.open(dir, "node n1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            RequesterWitness witness = new RequesterWitness(log, now::get);
            witness.seen(REQUESTER, new LogHead(40, A));
            after(5);
            witness.seen(REQUESTER, new LogHead(41, A));
            after(4);
            witness.seen(REQUESTER, new LogHead(42, A));
            assertEquals(List.of("40:a"), kept(), "heads come with every heartbeat: one is kept every 10 s");
            after(1);
            witness.seen(REQUESTER, new LogHead(43, A));
            witness.seen(REQUESTER, new LogHead(44, A));
            witness.gone();
            witness.gone();
            assertEquals(List.of("40:a", "43:a", "44:a"), kept(), "the last seen is kept when the requester goes away, once");
            after(30);
            witness.seen(REQUESTER, new LogHead(44, A));
            assertEquals(3, kept().size(), "a head that did not move is not kept again");
            witness.seen(REQUESTER, new LogHead(45, A));
            witness.close();
            witness.seen(REQUESTER, new LogHead(46, A));
            assertEquals(List.of("40:a", "43:a", "44:a", "45:a"), kept(), "the last kept at close, none after");
        }
    }

    @Test
    void aHeadThatWentBackOrChangedIsFlaggedAtOnceAfterTheLastSeenIsKept() throws Exception {
        try (AuditLog log = AuditLog.open(dir, "node n1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            RequesterWitness witness = new RequesterWitness(log, now::get);
            witness.seen(REQUESTER, new LogHead(40, A));
            witness.seen(REQUESTER, new LogHead(50, A));
            // cut back to 45 and restarted within the 10 s: below the head seen last, though above the one kept
            witness.seen(REQUESTER, new LogHead(45, B));
            assertEquals(List.of("40:a", "50:a", "45:b (the requester's log went back from record 50 to 45)"), kept());

            witness.seen(REQUESTER, new LogHead(45, A)); // flapping: flagged at most every 10 s
            witness.seen(REQUESTER, new LogHead(44, A));
            assertEquals(3, kept().size());
            after(10);
            witness.seen(REQUESTER, new LogHead(44, B));
            assertEquals(List.of("40:a", "50:a", "45:b (the requester's log went back from record 50 to 45)", "44:a",
                    "44:b (record 44 of the requester's log changed)"), kept());

            witness.seen(REQUESTER, new LogHead(0, A)); // not a head: passed over
            witness.seen(REQUESTER, new LogHead(60, "not a hash"));
            witness.seen(REQUESTER, new LogHead(61, null));
            witness.close();
            assertEquals(5, kept().size(), kept().toString());
        }
    }
}
