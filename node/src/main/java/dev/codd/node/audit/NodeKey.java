package dev.codd.node.audit;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * A compute node's Ed25519 key, with which it signs the heads of its audit log. Made on first start
 * and kept next to the log ({@code node-ed25519.key}, readable by its owner only, and {@code .pub}).
 */
public final class NodeKey {
    private static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final String publicKey;

    private NodeKey(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** The key in {@code directory}, made there if it has none. */
    public static NodeKey loadOrCreate(Path directory) {
        Path secret = directory.resolve("node-ed25519.key");
        Path shared = directory.resolve("node-ed25519.pub");
        try {
            Files.createDirectories(directory);
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            if (Files.exists(secret)) {
                PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(decode(secret)));
                PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(decode(shared)));
                return new NodeKey(new KeyPair(publicKey, privateKey));
            }
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            write(shared, pair.getPublic().getEncoded());
            Files.createFile(secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            write(secret, pair.getPrivate().getEncoded());
            return new NodeKey(pair);
        } catch (FileAlreadyExistsException e) {
            return loadOrCreate(directory); // another process made it a moment ago
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot read or make the node key in " + directory + ": " + e, e);
        }
    }

    /** The public key, X.509 encoded, base64. */
    public String publicKey() {
        return publicKey;
    }

    public SignedHead sign(String node, AuditLog.Head head) {
        String time = Instant.now().toString();
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(SignedHead.signed(node, head.seq(), head.hash(), time));
            return new SignedHead(node, head.seq(), head.hash(), time, publicKey,
                    Base64.getEncoder().encodeToString(signature.sign()));
        } catch (GeneralSecurityException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot sign the audit head: " + e, e);
        }
    }

    /** Whether {@code head} was signed by the key it names. */
    public static boolean verify(SignedHead head) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(head.publicKey())));
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(head.signed());
            return signature.verify(Base64.getDecoder().decode(head.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] decode(Path file) throws IOException {
        return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    }

    private static void write(Path file, byte[] encoded) throws IOException {
        Files.writeString(file, Base64.getEncoder().encodeToString(encoded) + "\n", StandardCharsets.US_ASCII);
    }
}
