package dev.codd.node.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The heads of the requester's log as a node's log keeps them ({@value #TYPE} records): the
 * requester sends its head in every heartbeat's reply, and each node keeps one now and then, so that
 * the requester's log has witnesses on machines its owner need not control.
 */
public final class RequesterHeads {
    /** The type of a node's records of the requester's head. */
    public static final String TYPE = "requester.audit.head";

    private RequesterHeads() {}

    /**
     * The data of a node's record of the requester's head; {@code problem} says why it is suspect (it
     * went back, or changed), or is null.
     */
    public static Map<String, Object> data(String requester, long seq, String hash, String problem) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requester", requester);
        data.put("seq", seq);
        data.put("hash", hash);
        if (problem != null) {
            data.put("problem", problem);
        }
        return data;
    }

    /**
     * Verifies node {@code node}'s log in {@code nodeLog} and gives, read in the same pass, the heads of
     * the requester's log that it keeps, up to where the log is broken, if it is.
     */
    public static AuditVerifier.Anchor verified(Path nodeLog, String node) throws IOException {
        return AuditVerifier.anchor(nodeLog, (record, each) -> {
            if (record.type().equals(TYPE)) {
                each.accept(new AuditVerifier.Witness(record.data().path("seq").asLong(), record.data().path("hash").asText(),
                        "node " + node + " kept it at " + record.time()));
            }
        });
    }
}
