package dev.codd.node.wire;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * The last record of a node's audit log, signed with the node's Ed25519 key, sent to the requester
 * in heartbeats. The requester keeps what it receives in its own log, so a node whose log was
 * later cut or rewritten can be caught.
 *
 * @param publicKey the node's public key (X.509, base64)
 * @param signature of {@link #signed()} (base64)
 */
public record SignedHead(String node, long seq, String hash, String time, String publicKey, String signature) {
    public SignedHead {
        requireNonNull(node, "node is null");
        requireNonNull(hash, "hash is null");
        requireNonNull(time, "time is null");
        requireNonNull(publicKey, "publicKey is null");
        requireNonNull(signature, "signature is null");
    }

    /** The bytes the signature covers. */
    public byte[] signed() {
        return signed(node, seq, hash, time);
    }

    public static byte[] signed(String node, long seq, String hash, String time) {
        return ("codd-audit-head\n" + node + "\n" + seq + "\n" + hash + "\n" + time).getBytes(StandardCharsets.UTF_8);
    }
}
