package dev.codd.node.audit;

import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks an audit log: every record intact (its hash is its content's), numbered one after
 * another, each naming the hash of the one before, the last one complete; and, given the heads a
 * node signed and sent to the requester, that the log still holds those records and reaches the
 * latest. The first problem is reported with the sequence number where it is.
 */
public final class AuditVerifier {
    /** What is wrong at a record. */
    public enum Problem { EDITED, MISSING, REORDERED, TRUNCATED, REWRITTEN }

    /**
     * The outcome. {@code firstSeq} is above 1 when earlier segments were archived away.
     *
     * @param problem empty when the log verifies
     */
    public record Report(long records, long firstSeq, long lastSeq, String lastHash, Optional<Finding> problem) {
        public boolean ok() {
            return problem.isEmpty();
        }
    }

    /** The first problem: its kind, the sequence number where it is, and what was found. */
    public record Finding(Problem problem, long seq, String message) {}

    private AuditVerifier() {}

    public static Report verify(Path directory) throws IOException {
        return verify(directory, List.of());
    }

    /** Verifies the log in {@code directory}, and that it holds each of {@code heads} (its node signed them). */
    public static Report verify(Path directory, List<SignedHead> heads) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory");
        }
        List<Located> lines = new ArrayList<>();
        List<Path> segments = AuditLog.segments(directory);
        for (int s = 0; s < segments.size(); s++) {
            String text = Files.readString(segments.get(s), StandardCharsets.UTF_8);
            String[] parts = text.split("\n", -1);
            long named = AuditLog.firstSeq(segments.get(s));
            for (int i = 0; i < parts.length; i++) {
                boolean lastPart = i == parts.length - 1;
                if (lastPart && parts[i].isEmpty()) {
                    break; // the file ends with a newline, as it should
                }
                lines.add(new Located(segments.get(s).getFileName() + " line " + (i + 1), parts[i], !lastPart, named));
            }
        }
        Set<Long> present = new HashSet<>();
        List<AuditLine.Parsed> parsed = new ArrayList<>();
        for (Located line : lines) {
            Optional<AuditLine.Parsed> record = AuditLine.parse(line.text());
            parsed.add(record.orElse(null));
            record.ifPresent(r -> present.add(r.line().seq()));
        }
        Map<Long, String> hashes = new HashMap<>();
        long expected = -1;
        String previousHash = null;
        long first = 0;
        for (int i = 0; i < lines.size(); i++) {
            Located line = lines.get(i);
            AuditLine.Parsed record = parsed.get(i);
            long at = expected < 0 ? 1 : expected;
            if (!line.complete()) {
                return broken(hashes, first, expected - 1, previousHash, Problem.TRUNCATED, at,
                        "the log ends inside record " + at + " (" + line.where() + "): it was cut");
            }
            if (record == null) {
                return broken(hashes, first, expected - 1, previousHash, Problem.EDITED, at,
                        "record " + at + " (" + line.where() + ") is not a record any more");
            }
            long seq = record.line().seq();
            if (expected < 0) {
                expected = seq; // a log whose first segments were archived starts later
                first = seq;
                if (seq == 1 && !record.line().prev().equals(AuditLine.GENESIS)) {
                    return broken(hashes, first, 0, null, Problem.EDITED, 1, "record 1 (" + line.where()
                            + ") does not start a chain");
                }
                // a segment is named after its first record: records cut from its start would pass for archived
                if (seq != line.segmentFirstSeq()) {
                    return broken(hashes, first, 0, null, seq > line.segmentFirstSeq() ? Problem.MISSING : Problem.EDITED,
                            line.segmentFirstSeq(), "the segment of record " + line.segmentFirstSeq() + " starts with record "
                                    + seq + " (" + line.where() + ")" + (seq > line.segmentFirstSeq()
                                    ? ": records " + line.segmentFirstSeq() + " to " + (seq - 1) + " were removed"
                                    : ": the segment was renamed"));
                }
            }
            if (seq != expected) {
                boolean later = present.contains(expected);
                return broken(hashes, first, expected - 1, previousHash, later ? Problem.REORDERED : Problem.MISSING,
                        expected, later
                                ? "record " + expected + " is out of order: " + line.where() + " holds record " + seq
                                : "record " + expected + " is missing: " + line.where() + " holds record " + seq);
            }
            if (!record.intact()) {
                return broken(hashes, first, expected - 1, previousHash, Problem.EDITED, seq,
                        "record " + seq + " (" + line.where() + ") was changed: its hash does not match its content");
            }
            if (previousHash != null && !record.line().prev().equals(previousHash)) {
                return broken(hashes, first, expected - 1, previousHash, Problem.EDITED, seq,
                        "record " + seq + " (" + line.where() + ") does not follow record " + (seq - 1));
            }
            hashes.put(seq, record.line().hash());
            previousHash = record.line().hash();
            expected = seq + 1;
        }
        long last = expected - 1;
        for (SignedHead head : heads) {
            if (head.seq() > last) {
                return broken(hashes, first, last, previousHash, Problem.TRUNCATED, last + 1, "the log ends at record "
                        + last + " but node " + head.node() + " signed record " + head.seq() + " at " + head.time()
                        + ": records " + (last + 1) + " to " + head.seq() + " were removed");
            }
            String hash = hashes.get(head.seq());
            if (hash != null && !hash.equals(head.hash())) {
                return broken(hashes, first, last, previousHash, Problem.REWRITTEN, head.seq(), "record " + head.seq()
                        + " is not the one node " + head.node() + " signed at " + head.time() + ": the log was rewritten");
            }
        }
        return new Report(hashes.size(), first, last, previousHash, Optional.empty());
    }

    private static Report broken(Map<Long, String> hashes, long first, long last, String lastHash, Problem problem,
            long seq, String message) {
        return new Report(hashes.size(), first, Math.max(last, 0), lastHash, Optional.of(new Finding(problem, seq, message)));
    }

    /** A line of a segment, with the sequence number the segment's name says it starts at. */
    private record Located(String where, String text, boolean complete, long segmentFirstSeq) {}
}
