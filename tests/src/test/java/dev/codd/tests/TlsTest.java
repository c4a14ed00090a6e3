package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A requester that serves TLS: the driver connects with {@code tls=true} and the certificate it
 * trusts, the nodes join over TLS, and a client that does not trust the certificate, or does not
 * speak TLS, gets a clear connection error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private LocalCluster cluster;
    private Path root;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        this.root = root;
        List<Path> nodes = ExtraTables.writeCities(root);
        writeSelfSigned(root, "requester");
        writeSelfSigned(root, "stranger");
        cluster = LocalCluster.withTls(nodes, root.resolve("requester.crt"), root.resolve("requester.key"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    /** A self-signed certificate for 127.0.0.1 and localhost, and its key, as PEM files NAME.crt and NAME.key. */
    private static void writeSelfSigned(Path directory, String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        var certificate = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
        Files.writeString(directory.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(directory.resolve(name + ".key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void queriesRunOverTls() throws Exception {
        assertTrue(cluster.jdbcUrl().contains("tls=true"), cluster.jdbcUrl());
        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl())) {
            assertEquals(List.of(List.of("Lisbon", 3L), List.of("Porto", 21L)), QueryAssertions.numbers(connection,
                    "SELECT city, sum(visits) FROM cities GROUP BY city ORDER BY city"));
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() {
        String address = cluster.requester().address().toString();
        SQLException untrusted = assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:codd://"
                + address + "?tls=true&tlsRootCerts=" + root.resolve("stranger.crt")).close());
        assertEquals("08001", untrusted.getSQLState());
        assertTrue(untrusted.getMessage().contains("TLS: the requester's certificate is not trusted here"),
                untrusted.getMessage());
        SQLException plain = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:codd://" + address + "?connectTimeout=3").close());
        assertEquals("08001", plain.getSQLState());
        assertTrue(plain.getMessage().contains("connect with tls=true"), plain.getMessage());
        SQLException missing = assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:codd://"
                + address + "?tlsRootCerts=" + root.resolve("nope.crt")).close());
        assertTrue(missing.getMessage().contains("tlsRootCerts: cannot read"), missing.getMessage());
    }
}
