package dev.codd.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The heads of nodes' logs as the requester's log keeps them ({@value #TYPE} records). */
public final class SignedHeads {
    /** The type of the requester's records of a node's signed head. */
    public static final String TYPE = "node.audit.head";
    /** The type of the record a log starts each opening with; a node's names it as {@code node NAME}. */
    static final String NODE_OWNER = "node ";

    private SignedHeads() {}

    /** The heads node {@code node} signed, as the requester's log in {@code requesterLog} holds them, if their signatures hold. */
    public static List<SignedHead> read(Path requesterLog, String node) throws IOException {
        List<SignedHead> heads = new ArrayList<>();
        for (Path segment : AuditLog.segments(requesterLog)) {
            for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                Optional<AuditLine.Parsed> parsed = AuditLine.parse(line);
                if (parsed.isEmpty() || !parsed.get().line().type().equals(TYPE)) {
                    continue;
                }
                JsonNode data = parsed.get().line().data();
                SignedHead head = new SignedHead(data.path("node").asText(), data.path("seq").asLong(),
                        data.path("hash").asText(), data.path("time").asText(), data.path("publicKey").asText(),
                        data.path("signature").asText());
                if (head.node().equals(node) && NodeKey.verify(head)) {
                    heads.add(head);
                }
            }
        }
        return heads;
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
