package dev.codd.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codd.node.wire.SignedHead;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The heads of nodes' logs as the requester's log keeps them ({@value #TYPE} records). */
public final class SignedHeads {
    /** The type of the requester's records of a node's signed head. */
    public static final String TYPE = "node.audit.head";
    /** The type of the record a log starts each opening with; a node's names it as {@code node NAME}. */
    static final String NODE_OWNER = "node ";
    /** Where a segment's start holds the heads it carries over. */
    private static final String CARRIED = "heads";

    private SignedHeads() {}

    /**
     * The heads node {@code node} signed, as the requester's log in {@code requesterLog} holds them, if
     * their signatures hold: in its own records, and in those each segment starts with.
     */
    public static List<SignedHead> read(Path requesterLog, String node) throws IOException {
        List<SignedHead> heads = new ArrayList<>();
        for (Path segment : AuditLog.segments(requesterLog)) {
            kept(segment, head -> {
                if (head.node().equals(node)) {
                    heads.add(head);
                }
            });
        }
        return heads;
    }

    /**
     * The last head kept of each node, read from the requester log's newest segment alone: it starts
     * with the heads kept before it ({@link #carried}). Read before the log is opened, so a line being
     * written when the requester stopped is passed over.
     */
    public static Map<String, SignedHead> lastKept(Path requesterLog) throws IOException {
        if (!Files.isDirectory(requesterLog)) {
            return Map.of();
        }
        List<Path> segments = AuditLog.segments(requesterLog);
        Map<String, SignedHead> last = new HashMap<>();
        if (!segments.isEmpty()) {
            kept(segments.get(segments.size() - 1), head -> last.put(head.node(), head));
        }
        return last;
    }

    /** What a segment of the requester's log starts with: the last head kept of each node. */
    public static Map<String, ?> carried(Map<String, SignedHead> lastKept) {
        return Map.of(CARRIED, lastKept.values().stream().sorted(Comparator.comparing(SignedHead::node))
                .map(SignedHeads::data).toList());
    }

    /** Gives each head kept in {@code segment} whose signature holds, in order. */
    private static void kept(Path segment, Consumer<SignedHead> each) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) { // a segment holds up to 64 MiB
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                keptIn(line, each);
            }
        }
    }

    private static void keptIn(String line, Consumer<SignedHead> each) {
        if (!line.contains(TYPE) && !line.contains(AuditLog.SEGMENT_STARTED)) {
            return; // the cheap test first: most records are of queries
        }
        AuditLine.parse(line).map(AuditLine.Parsed::line).ifPresent(record -> {
            if (record.type().equals(AuditLog.SEGMENT_STARTED)) {
                record.data().path(CARRIED).forEach(carried -> verified(carried).ifPresent(each));
            } else if (record.type().equals(TYPE)) {
                verified(record.data()).ifPresent(each);
            }
        });
    }

    private static Optional<SignedHead> verified(JsonNode data) {
        SignedHead head = new SignedHead(data.path("node").asText(), data.path("seq").asLong(), data.path("hash").asText(),
                data.path("time").asText(), data.path("publicKey").asText(), data.path("signature").asText());
        return NodeKey.verify(head) ? Optional.of(head) : Optional.empty();
    }

    /** The node a log says it belongs to, from its first record. */
    public static Optional<String> ownerNode(Path log) throws IOException {
        for (Path segment : AuditLog.segments(log)) {
            for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                Optional<String> owner = AuditLine.parse(line).map(p -> p.line().data().path("owner").asText(""))
                        .filter(o -> o.startsWith(NODE_OWNER))
                        .map(o -> o.substring(NODE_OWNER.length()));
                if (owner.isPresent()) {
                    return owner;
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
