package dev.codd.node.audit;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compute node's Ed25519 key, with which it signs the heads of its audit log. Made on first start
 * and kept next to the log: the pair in {@code node-ed25519.key}, readable by its owner only, and
 * the public half alone in {@code node-ed25519.pub}, for people and tools.
 */
public final class NodeKey {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKey.class);
    private static final String ALGORITHM = "Ed25519";
    private static final String SECRET = "node-ed25519.key";
    private static final String SHARED = "node-ed25519.pub";
    /** How the files a key is made in start; they take the key's name, or are deleted. */
    private static final String TEMPORARY = ".node-ed25519-";
    private static final Duration LEFTOVER_AGE = Duration.ofMinutes(1);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final PrivateKey privateKey;
    private final String publicKey;

    private NodeKey(PrivateKey privateKey, String publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The key in {@code directory}, made there if it has none. A key is made whole in a file of its
     * own and synced before it takes its name, so a node killed meanwhile leaves no half key, and
     * of two processes making one at once, both keep the first that took the name.
     */
    public static NodeKey loadOrCreate(Path directory) {
        Path secret = directory.resolve(SECRET);
        try {
            Files.createDirectories(directory);
            if (!Files.exists(secret)) {
                create(directory, secret);
            }
            NodeKey key = load(secret);
            publish(directory, key.publicKey);
            removeLeftovers(directory);
            return key;
        } catch (IOException | GeneralSecurityException e) {
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot read or make the node key in " + directory + ": " + e, e);
        }
    }

    private static void create(Path directory, Path secret) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        Path made = Files.createTempFile(directory, TEMPORARY, ".key", OWNER_ONLY);
        try {
            writeSynced(made, encode(pair.getPrivate().getEncoded()) + "\n" + encode(pair.getPublic().getEncoded()) + "\n");
            try {
                Files.createLink(secret, made); // fails, unlike a rename, if another process's key took the name first
            } catch (FileAlreadyExistsException e) {
                // that key is the node's
            } catch (FileSystemException | UnsupportedOperationException e) {
                // a file system without hard links (FAT on an SD card): a move that checks first is nearly as good
                try {
                    Files.move(made, secret);
                } catch (FileAlreadyExistsException taken) {
                    // that key is the node's
                }
            }
            syncDirectory(directory);
        } finally {
            Files.deleteIfExists(made);
        }
    }

    /**
     * Deletes what a node killed while making a key left: a file of a key that never took the name.
     * One made a moment ago may be another process's, about to be linked, and stays.
     */
    private static void removeLeftovers(Path directory) {
        FileTime before = FileTime.from(Instant.now().minus(LEFTOVER_AGE));
        try (DirectoryStream<Path> made = Files.newDirectoryStream(directory, TEMPORARY + "*")) {
            for (Path file : made) {
                try {
                    if (Files.getLastModifiedTime(file).compareTo(before) < 0) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException gone) {
                    // another process's, which took its name or was deleted meanwhile
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete what was left of making a node key in {}: {}", directory, e.toString());
        }
    }

    /** Reads the pair and checks that its halves belong together, so that no head is ever signed that cannot be verified. */
    private static NodeKey load(Path secret) throws IOException, GeneralSecurityException {
        Path shared = secret.resolveSibling(SHARED);
        List<String> lines = text(secret).lines().toList();
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw unusable(secret, "it is empty; if this node has never signed a head, delete it and " + SHARED
                    + " to make a new key, else restore it from a backup");
        }
        boolean pair = lines.size() > 1; // a key made before the pair was kept in one file has its public half in the .pub only
        if (!pair && !Files.exists(shared)) {
            throw unusable(secret, "it holds no public key, and " + SHARED + " is missing");
        }
        String publicKey = (pair ? lines.get(1) : text(shared)).strip();
        KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
        NodeKey key;
        try {
            key = new NodeKey(factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines.get(0).strip()))),
                    publicKey);
        } catch (IllegalArgumentException | InvalidKeySpecException e) {
            throw unusable(secret, "it holds no Ed25519 key (" + e.getMessage() + ")");
        }
        if (!verify(key.sign("", new AuditLog.Head(0, AuditLine.GENESIS)))) {
            throw unusable(secret, pair ? "its public key does not belong to it" : "the public key in " + SHARED
                    + " does not belong to it");
        }
        return key;
    }

    /** A key file's text, which is base64 only. */
    private static String text(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (CharacterCodingException e) {
            throw unusable(file, "it is not a key: it holds bytes that are not text");
        }
    }

    /** Writes the public key to {@code node-ed25519.pub} unless it is there already. */
    private static void publish(Path directory, String publicKey) throws IOException {
        Path shared = directory.resolve(SHARED);
        String text = publicKey + "\n";
        if (Files.exists(shared) && Arrays.equals(Files.readAllBytes(shared), text.getBytes(StandardCharsets.US_ASCII))) {
            return;
        }
        Path made = Files.createTempFile(directory, TEMPORARY, ".pub");
        try {
            writeSynced(made, text);
            try {
                Files.setPosixFilePermissions(made, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException | UnsupportedOperationException e) {
                // a file system without modes: the .pub is public anyway
            }
            Files.move(made, shared, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(directory);
        } finally {
            Files.deleteIfExists(made);
        }
    }

    private static void writeSynced(Path file, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // not every file system syncs directories; the key's own sync still holds it
        }
    }

    private static CoddException unusable(Path file, String why) {
        return new CoddException(ErrorCode.DATA_ERROR, "Cannot use the node key " + file + ": " + why);
    }

    private static String encode(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
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
}
