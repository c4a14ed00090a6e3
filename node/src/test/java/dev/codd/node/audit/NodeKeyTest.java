package dev.codd.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeyTest {
    @TempDir
    Path dir;

    @Test
    void aKeyIsMadeOnceKeptForItsOwnerAndLoadedAgain() throws Exception {
        NodeKey made = NodeKey.loadOrCreate(dir);
        NodeKey loaded = NodeKey.loadOrCreate(dir);

        assertEquals(made.publicKey(), loaded.publicKey());
        assertTrue(NodeKey.verify(loaded.sign("node1", new AuditLog.Head(7, "a".repeat(64)))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node-ed25519.key"))));
        assertEquals(made.publicKey() + "\n", Files.readString(dir.resolve("node-ed25519.pub")));
        assertEquals(Set.of("node-ed25519.key", "node-ed25519.pub"), files(), "nothing left over");
    }

    @Test
    void nodesStartingAtOnceOnOneDirectoryAllKeepTheSameKey() throws Exception {
        ExecutorService starts = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> eight = IntStream.range(0, 8).<Callable<String>>mapToObj(i -> () ->
                    NodeKey.loadOrCreate(dir).publicKey()).toList();
            Set<String> keys = starts.invokeAll(eight).stream().map(NodeKeyTest::get).collect(Collectors.toSet());

            assertEquals(1, keys.size(), "one key for all of them");
            assertEquals(keys.iterator().next(), NodeKey.loadOrCreate(dir).publicKey());
            assertEquals(Set.of("node-ed25519.key", "node-ed25519.pub"), files());
        } finally {
            starts.shutdownNow();
        }
    }

    @Test
    void aMissingOrChangedPublicFileIsWrittenAgainFromTheKey() throws Exception {
        String key = NodeKey.loadOrCreate(dir).publicKey();
        Files.delete(dir.resolve("node-ed25519.pub"));
        NodeKey.loadOrCreate(dir);
        assertEquals(key + "\n", Files.readString(dir.resolve("node-ed25519.pub")));

        Files.writeString(dir.resolve("node-ed25519.pub"), encode(generate().getPublic().getEncoded()) + "\n");
        assertEquals(key, NodeKey.loadOrCreate(dir).publicKey());
        assertEquals(key + "\n", Files.readString(dir.resolve("node-ed25519.pub")));

        Files.write(dir.resolve("node-ed25519.pub"), new byte[] {(byte) 0xff, 0});
        assertEquals(key, NodeKey.loadOrCreate(dir).publicKey());
        assertEquals(key + "\n", Files.readString(dir.resolve("node-ed25519.pub")));
    }

    @Test
    void aKeyFileLeftByANodeKilledWhileMakingItIsDeletedOnceItIsOld() throws Exception {
        Path old = Files.writeString(dir.resolve(".node-ed25519-123.key"), "a key that never took the name\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        Path recent = Files.writeString(dir.resolve(".node-ed25519-456.key"), "another process's, about to be linked\n");

        NodeKey.loadOrCreate(dir);
        assertEquals(Set.of("node-ed25519.key", "node-ed25519.pub", recent.getFileName().toString()), files());
    }

    @Test
    void aKeyKeptTheOldWayWithItsPublicHalfInThePubFileStillLoads() throws Exception {
        KeyPair pair = generate();
        Files.writeString(dir.resolve("node-ed25519.key"), encode(pair.getPrivate().getEncoded()) + "\n");
        Files.writeString(dir.resolve("node-ed25519.pub"), encode(pair.getPublic().getEncoded()) + "\n");

        NodeKey key = NodeKey.loadOrCreate(dir);
        assertEquals(encode(pair.getPublic().getEncoded()), key.publicKey());
        assertTrue(NodeKey.verify(key.sign("node1", new AuditLog.Head(1, "b".repeat(64)))));
    }

    @Test
    void anUnusableKeyStopsTheNodeSayingWhy() throws Exception {
        Path secret = dir.resolve("node-ed25519.key");
        Files.writeString(secret, "");
        assertUnusable("it is empty; if this node has never signed a head, delete it and node-ed25519.pub");

        Files.writeString(secret, "not a key\n");
        Files.writeString(dir.resolve("node-ed25519.pub"), "irrelevant\n");
        assertUnusable("it holds no Ed25519 key");

        Files.write(secret, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertUnusable("it is not a key: it holds bytes that are not text", secret);

        // the halves of two keys: heads signed with it could never be verified
        Files.writeString(secret, encode(generate().getPrivate().getEncoded()) + "\n" + encode(generate().getPublic().getEncoded()));
        assertUnusable("its public key does not belong to it");
        Files.writeString(secret, encode(generate().getPrivate().getEncoded()) + "\n"); // the old way
        Files.writeString(dir.resolve("node-ed25519.pub"), encode(generate().getPublic().getEncoded()) + "\n");
        assertUnusable("the public key in node-ed25519.pub does not belong to it");

        Files.delete(dir.resolve("node-ed25519.pub"));
        assertUnusable("it holds no public key, and node-ed25519.pub is missing");
    }

    private void assertUnusable(String why) {
        assertUnusable(why, dir.resolve("node-ed25519.key"));
    }

    private void assertUnusable(String why, Path file) {
        CoddException e = assertThrows(CoddException.class, () -> NodeKey.loadOrCreate(dir));
        assertEquals(ErrorCode.DATA_ERROR, e.errorCode());
        assertTrue(e.getMessage().startsWith("Cannot use the node key " + file + ": " + why), e.getMessage());
    }

    private Set<String> files() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static KeyPair generate() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static String encode(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
