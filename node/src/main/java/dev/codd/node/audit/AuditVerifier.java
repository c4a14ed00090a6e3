package dev.codd.node.audit;

import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Checks an audit log: every record intact (its hash is its content's), numbered one after
 * another, each naming the hash of the one before, the last one complete; and, given heads seen
 * outside it (a node's signed heads, kept by the requester, or heads a person or another system
 * kept), that the log still holds those records and reaches the latest. The first problem is
 * reported with the sequence number where it is.
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

        /** The same pass, found broken where {@code finding} says: by what the records hold, though the chain holds. */
        Report broken(Finding finding) {
            return new Report(records, firstSeq, lastSeq, lastHash, Optional.of(finding));
        }
    }

    /** The first problem: its kind, the sequence number where it is, and what was found. */
    public record Finding(Problem problem, long seq, String message) {}

    /**
     * A record seen in the log by someone outside it, who kept its hash: the log must still hold it.
     *
     * @param seen when and by whom, to end "was in the log when …" (e.g. "node site-a signed it at T")
     */
    public record Witness(long seq, String hash, String seen) {
        public static Witness of(SignedHead head) {
            return new Witness(head.seq(), head.hash(), "node " + head.node() + " signed it at " + head.time());
        }
    }

    /**
     * A log as {@code codd audit verify} finds it, and the heads of another log that its records hold,
     * gathered in the same pass up to where it is broken, if it is: what the other log is checked against.
     */
    public record Anchor(Report report, List<Witness> heads) {
        /** The sequence number of the newest of the heads, 0 without any. */
        public long newest() {
            return heads.stream().mapToLong(Witness::seq).max().orElse(0);
        }
    }

    private AuditVerifier() {}

    public static Report verify(Path directory) throws IOException {
        return verify(directory, List.of());
    }

    /**
     * Verifies the log in {@code directory}, and that it holds each of {@code witnesses} that is not in
     * a segment archived away. It reads one line at a time, so a log of any age fits in memory; a byte
     * that is not UTF-8 is a changed record, as any other edit.
     */
    public static Report verify(Path directory, List<Witness> witnesses) throws IOException {
        return verify(directory, witnesses, record -> {});
    }

    /**
     * Verifies the log in {@code directory} and gathers, in the same pass, the heads of another log
     * that {@code headsIn} finds in the records found whole and in their place.
     */
    static Anchor anchor(Path directory, BiConsumer<AuditLine, Consumer<Witness>> headsIn) throws IOException {
        List<Witness> heads = new ArrayList<>();
        Report report = verify(directory, List.of(), record -> headsIn.accept(record, heads::add));
        return new Anchor(report, heads);
    }

    /** Verifies like {@link #verify(Path, List)}, giving {@code each} every record found whole and in its place. */
    static Report verify(Path directory, List<Witness> witnesses, Consumer<AuditLine> each) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory");
        }
        List<Path> segments = AuditLog.segments(directory);
        if (segments.isEmpty()) { // a log removed whole, or a directory that never held one: neither verifies
            return broken(0, 0, 0, null, Problem.MISSING, 1, directory + " holds no segment (audit-*.jsonl): the log's "
                    + "records were removed, or this is not its directory");
        }
        Set<Long> witnessed = new HashSet<>();
        witnesses.forEach(witness -> witnessed.add(witness.seq()));
        Map<Long, String> witnessedHashes = new HashMap<>(); // the log's hashes of the records seen outside it
        long records = 0;
        long expected = -1;
        String previousHash = null;
        long first = 0;
        int segmentsRead = 0; // how many segments the lines so far came from, or were passed over
        try (SegmentLines lines = new SegmentLines(segments)) {
            for (SegmentLines.Line line = lines.next(); line != null; line = lines.next()) {
                SegmentLines.Segment segment = line.segment();
                if (line.number() == 1) { // a segment with no line before this one is empty, though newer ones follow
                    if (!segments.get(segmentsRead).getFileName().toString().equals(segment.name())) {
                        return broken(records, first, expected - 1, previousHash, empty(segments.get(segmentsRead), expected));
                    }
                    segmentsRead++;
                }
                long at = expected < 0 ? segment.firstSeq() : expected;
                if (line.overLong()) { // not read whole: a damaged file may have no newline for gigabytes
                    return broken(records, first, expected - 1, previousHash, Problem.EDITED, at, "record " + at + " ("
                            + line.where() + ") is over " + AuditLine.MAX_LINE_BYTES + " bytes long, which no record is");
                }
                if (!line.complete()) {
                    return broken(records, first, expected - 1, previousHash, Problem.TRUNCATED, at, segment.newest()
                            ? "the log ends inside record " + at + " (" + line.where() + "): it was cut"
                            : "segment " + segment.name() + " ends inside record " + at + " (" + line.where() + "), though "
                                    + "a newer segment follows it: it was cut");
                }
                AuditLine.Parsed record = AuditLine.parse(line.text()).orElse(null);
                if (record == null) {
                    return broken(records, first, expected - 1, previousHash, Problem.EDITED, at, notARecord(line, at, lines));
                }
                if (!record.intact()) { // what it says of itself, its number too, cannot be taken as it is
                    return broken(records, first, expected - 1, previousHash, Problem.EDITED, at,
                            "record " + at + " (" + line.where() + ") was changed: its hash does not match its content");
                }
                long seq = record.line().seq();
                if (line.number() == 1) {
                    Optional<Finding> misnamed = misnamed(segment, seq, expected);
                    if (misnamed.isPresent()) {
                        return broken(records, first, expected - 1, previousHash, misnamed.get());
                    }
                }
                if (expected < 0) {
                    expected = seq; // a log whose first segments were archived starts later
                    first = seq;
                    if (seq == 1 && !record.line().prev().equals(AuditLine.GENESIS)) {
                        return broken(records, first, 0, null, Problem.EDITED, 1, "record 1 (" + line.where()
                                + ") does not start a chain");
                    }
                }
                if (seq < expected) {
                    return broken(records, first, expected - 1, previousHash, Problem.EDITED, expected,
                            record.line().hash().equals(previousHash)
                                    ? "record " + seq + " is there a second time (" + line.where() + "), where record "
                                            + expected + " or the end should be"
                                    : "record " + expected + " should be at " + line.where() + ", which holds a record "
                                            + "numbered " + seq);
                }
                if (seq > expected) {
                    long due = expected;
                    boolean later = restHolds(lines, next -> next == due);
                    return broken(records, first, expected - 1, previousHash, later ? Problem.REORDERED : Problem.MISSING,
                            expected, later
                                    ? "record " + expected + " is out of order: " + line.where() + " holds record " + seq
                                    : "record " + expected + " is missing: " + line.where() + " holds record " + seq);
                }
                if (previousHash != null && !record.line().prev().equals(previousHash)) {
                    return broken(records, first, expected - 1, previousHash, Problem.EDITED, seq,
                            "record " + seq + " (" + line.where() + ") does not follow record " + (seq - 1));
                }
                if (witnessed.contains(seq)) {
                    witnessedHashes.put(seq, record.line().hash());
                }
                each.accept(record.line());
                records++;
                previousHash = record.line().hash();
                expected = seq + 1;
            }
        }
        if (expected < 0) {
            long named = AuditLog.firstSeq(segments.get(0));
            return broken(0, named, 0, null, Problem.MISSING, named, "the log holds no record: its "
                    + segments.size() + " segment(s) are empty");
        }
        if (segmentsRead < segments.size()) { // only the newest may be empty: the writer made it, and stopped
            Path empty = segments.get(segmentsRead);
            if (segmentsRead < segments.size() - 1 || AuditLog.firstSeq(empty) != expected) {
                return broken(records, first, expected - 1, previousHash, empty(empty, expected));
            }
        }
        long last = expected - 1;
        List<Witness> bySeq = witnesses.stream().sorted(Comparator.comparingLong(Witness::seq)).toList();
        for (Witness witness : bySeq) { // the first record found rewritten is reported, as any other problem
            String hash = witnessedHashes.get(witness.seq());
            if (hash != null && !hash.equals(witness.hash())) {
                return broken(records, first, last, previousHash, Problem.REWRITTEN, witness.seq(), "record " + witness.seq()
                        + " is not the one there when " + witness.seen() + ": the log was rewritten");
            }
        }
        if (!bySeq.isEmpty() && bySeq.get(bySeq.size() - 1).seq() > last) {
            Witness latest = bySeq.get(bySeq.size() - 1);
            return broken(records, first, last, previousHash, Problem.TRUNCATED, last + 1, "the log ends at record "
                    + last + ", but record " + latest.seq() + " was in it when " + latest.seen() + ": records "
                    + (last + 1) + " to " + latest.seq() + " were removed");
        }
        return new Report(records, first, last, previousHash, Optional.empty());
    }

    private static Report broken(long records, long first, long last, String lastHash, Problem problem,
            long seq, String message) {
        return broken(records, first, last, lastHash, new Finding(problem, seq, message));
    }

    private static Report broken(long records, long first, long last, String lastHash, Finding finding) {
        return new Report(records, first, Math.max(last, 0), lastHash, Optional.of(finding));
    }

    /**
     * What is wrong with a segment whose first record is {@code seq}, if anything, given the record
     * expected next ({@code -1} for the first segment read): a segment is named after its first record,
     * so a name that does not fit shows segments renamed, overlapping, or cut from the start (which
     * would otherwise pass for archived).
     */
    private static Optional<Finding> misnamed(SegmentLines.Segment segment, long seq, long expected) {
        long named = segment.firstSeq();
        if (expected >= 0 && named < expected && seq < expected) {
            return Optional.of(new Finding(Problem.EDITED, seq, "segment " + segment.name() + " starts at record " + seq
                    + ", which an earlier segment holds already: the segments overlap"));
        }
        if (seq == named || expected >= 0 && seq != expected) { // a record out of place is reported as such
            return Optional.empty();
        }
        String starts = "segment " + segment.name() + " is named for record " + named + " but starts with record " + seq;
        return Optional.of(expected < 0 && seq > named && named >= 1
                ? new Finding(Problem.MISSING, named, starts + ": records " + named + " to " + (seq - 1) + " were removed")
                : new Finding(Problem.EDITED, named >= 1 ? named : seq, starts + ": it was renamed")); // there is no record 0
    }

    /**
     * What an empty {@code segment} shows, {@code expected} being the record due next ({@code -1} before
     * the first): the writer names a segment after the record it is about to write, so only the newest
     * can be empty, and named for the record due.
     */
    private static Finding empty(Path segment, long expected) {
        long named = AuditLog.firstSeq(segment);
        String name = segment.getFileName().toString();
        return named >= 1 && (expected < 0 || named == expected)
                ? new Finding(Problem.MISSING, named, "segment " + name + " is empty, though a newer one follows it: the "
                        + "records from " + named + " on that it held were removed")
                : new Finding(Problem.EDITED, Math.max(named, Math.max(expected, 1)), "segment " + name + " is empty and named "
                        + "for record " + named + (expected < 0 ? "" : ", where the next segment would be named for record "
                                + expected) + ": it was renamed or put there");
    }

    /**
     * Why a line that should hold record {@code at} does not, as far as can be told; reads the lines
     * after it: a line that no record follows may be something added after the last record as well as
     * that record changed.
     */
    private static String notARecord(SegmentLines.Line line, long at, SegmentLines lines) throws IOException {
        if (line.text().isBlank()) {
            return line.where() + " is empty, where record " + at + " or the end of the segment should be";
        }
        if (line.text().endsWith("\r")) {
            return "record " + at + " (" + line.where() + ") is not a record any more: its line ends with a carriage return "
                    + "(CRLF), which no record's does";
        }
        return restHolds(lines, next -> true) ? "record " + at + " (" + line.where() + ") is not a record any more"
                : line.where() + " is not a record, and no record follows it: something else was written where record " + at
                        + " or the end of the log should be";
    }

    /** Whether a line after the one read last holds a record whose number passes {@code seq}; reads them all. */
    private static boolean restHolds(SegmentLines lines, LongPredicate seq) throws IOException {
        for (SegmentLines.Line rest = lines.next(); rest != null; rest = lines.next()) {
            if (AuditLine.parse(rest.text()).filter(p -> seq.test(p.line().seq())).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
