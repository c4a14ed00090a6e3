package dev.codd.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** The heads of nodes' logs as the requester's log keeps them ({@value #TYPE} records). */
public final class SignedHeads {
    /** The type of the requester's records of a node's signed head. */
    public static final String TYPE = "node.audit.head";
    /** How the record a log starts each opening with names a node's log: {@code node NAME}. */
    private static final String NODE_OWNER = "node ";
    /** How it names the requester's log. */
    public static final String REQUESTER_OWNER = "requester";
    /**
     * Each side keeps a head of the other's log once it has moved and the last one kept is this old:
     * the requester the nodes' (in its log), each node the requester's (in its own).
     */
    public static final Duration KEEP_EVERY = Duration.ofSeconds(10);
    /** Where a checkpoint holds the heads it carries over. */
    private static final String CARRIED = "heads";

    private SignedHeads() {}

    /** How the record a node's log starts each opening with names it. */
    public static String nodeOwner(String node) {
        return NODE_OWNER + node;
    }

    /**
     * The last head kept of each node, as the requester's log holds them, and whether its newest segment
     * can be read alone for them next time: it holds a {@linkplain AuditLog#CHECKPOINT checkpoint}, or is
     * the first segment.
     */
    public record Kept(Map<String, SignedHead> last, boolean readAlone) {}

    /**
     * Verifies the requester's log in {@code requesterLog} and gives, read in the same pass, the heads
     * node {@code node} signed that it holds (in its own records, and in its checkpoints), up to where
     * the log is broken, if it is. The requester keeps only heads whose signatures hold, so one that
     * does not shows the log rewritten by someone without the node's key: the log is reported broken
     * there, though its chain holds.
     */
    public static AuditVerifier.Anchor verified(Path requesterLog, String node) throws IOException {
        long[] firstForged = {0}; // records are numbered from 1
        AuditVerifier.Anchor anchor = AuditVerifier.anchor(requesterLog, (record, each) -> heads(record, node::equals,
                head -> each.accept(AuditVerifier.Witness.of(head)), head -> {
                    if (firstForged[0] == 0) {
                        firstForged[0] = record.seq();
                    }
                }));
        AuditVerifier.Report report = anchor.report();
        if (firstForged[0] == 0 || !report.ok()) {
            return anchor;
        }
        long at = firstForged[0];
        return new AuditVerifier.Anchor(report.broken(new AuditVerifier.Finding(AuditVerifier.Problem.REWRITTEN, at,
                "record " + at + " holds a head of node " + node + " whose signature does not hold, which the requester "
                        + "never keeps: the log was rewritten")), anchor.heads());
    }

    /**
     * The last head kept of each node, read from the newest segments back to the latest checkpoint
     * (usually the newest segment's first record). Read before the log is opened: a line being
     * written when the requester stopped is passed over, whatever bytes it was cut in.
     */
    public static Kept lastKept(Path requesterLog) throws IOException {
        if (!Files.isDirectory(requesterLog)) {
            return new Kept(Map.of(), true);
        }
        List<Path> segments = AuditLog.segments(requesterLog);
        Map<String, SignedHead> last = new HashMap<>();
        for (int i = segments.size() - 1; i >= 0; i--) {
            Map<String, SignedHead> inSegment = new HashMap<>();
            boolean checkpointed = kept(segments.get(i), head -> inSegment.put(head.node(), head), inSegment::clear);
            inSegment.forEach(last::putIfAbsent); // newer segments' heads came later
            if (checkpointed || i == 0) {
                return new Kept(last, i == segments.size() - 1);
            }
        }
        return new Kept(last, true);
    }

    /** What a checkpoint of the requester's log holds: the last head kept of each node. */
    public static Map<String, ?> carried(Map<String, SignedHead> lastKept) {
        return Map.of(CARRIED, lastKept.values().stream().sorted(Comparator.comparing(SignedHead::node))
                .map(SignedHeads::data).toList());
    }

    /**
     * Gives each head kept in {@code segment} whose signature holds, in order, calling {@code checkpoint}
     * before the heads of each checkpoint; returns whether there was one.
     */
    private static boolean kept(Path segment, Consumer<SignedHead> each, Runnable checkpoint) throws IOException {
        boolean checkpointed = false;
        try (SegmentLines lines = new SegmentLines(List.of(segment))) {
            for (SegmentLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (!line.text().contains(TYPE) && !line.text().contains(AuditLog.CHECKPOINT)) {
                    continue; // the cheap test first: most records are of queries
                }
                Optional<AuditLine> record = AuditLine.parse(line.text()).map(AuditLine.Parsed::line);
                if (record.isPresent() && record.get().type().equals(AuditLog.CHECKPOINT)) {
                    checkpointed = true;
                    checkpoint.run();
                }
                record.ifPresent(kept -> heads(kept, node -> true, each, forged -> {}));
            }
        }
        return checkpointed;
    }

    /**
     * Gives each head {@code record} holds of a node {@code of} takes to {@code each} if its signature
     * holds, else to {@code forged}: one if it keeps a head, all a checkpoint carries. The name is looked
     * at first: a signature costs a millisecond.
     */
    private static void heads(AuditLine record, Predicate<String> of, Consumer<SignedHead> each,
            Consumer<SignedHead> forged) {
        if (record.type().equals(AuditLog.CHECKPOINT)) {
            record.data().path(CARRIED).forEach(carried -> {
                if (of.test(carried.path("node").asText())) {
                    signed(carried, each, forged);
                }
            });
        } else if (record.type().equals(TYPE) && of.test(record.data().path("node").asText())) {
            signed(record.data(), each, forged);
        }
    }

    private static void signed(JsonNode data, Consumer<SignedHead> each, Consumer<SignedHead> forged) {
        SignedHead head = new SignedHead(data.path("node").asText(), data.path("seq").asLong(), data.path("hash").asText(),
                data.path("time").asText(), data.path("publicKey").asText(), data.path("signature").asText());
        (NodeKey.verify(head) ? each : forged).accept(head);
    }

    /** Whose log a log says it is, as the record it starts each opening with names it. */
    public record Owner(String name) {
        public boolean requester() {
            return name.equals(REQUESTER_OWNER);
        }

        /** The node's name, when it is a node's log. */
        public Optional<String> node() {
            return name.startsWith(NODE_OWNER) ? Optional.of(name.substring(NODE_OWNER.length())) : Optional.empty();
        }

        /** For a person: "the requester's log", "node NAME's log". */
        public String whose() {
            return requester() ? "the requester's log" : name + "'s log";
        }
    }

    /**
     * Whose log {@code log} says it is, from the first record that names its owner: the first one,
     * unless its first segments were archived away, when none may be left.
     */
    public static Optional<Owner> owner(Path log) throws IOException {
        try (SegmentLines lines = new SegmentLines(AuditLog.segments(log))) {
            for (SegmentLines.Line line = lines.next(); line != null; line = lines.next()) {
                Optional<AuditLine> opened = AuditLine.parse(line.text()).map(AuditLine.Parsed::line)
                        .filter(record -> record.type().equals(AuditLog.OPENED));
                if (opened.isPresent()) { // a segment need not be read whole
                    return Optional.of(new Owner(opened.get().data().path("owner").asText("")));
                }
            }
        }
        return Optional.empty();
    }

    /** The data of a requester's record of {@code head}. */
    public static Map<String, Object> data(SignedHead head) {
        return Map.of("node", head.node(), "seq", head.seq(), "hash", head.hash(), "time", head.time(),
                "publicKey", head.publicKey(), "signature", head.signature());
    }
}
