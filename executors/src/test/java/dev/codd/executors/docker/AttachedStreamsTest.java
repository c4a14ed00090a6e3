package dev.codd.executors.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attach handshake against an engine's socket that does or does not answer: a channel's reads
 * have no timeout, so without one of our own a hung engine would hold the query's thread for ever.
 */
@Timeout(60)
class AttachedStreamsTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);

    private ScheduledExecutorService timer;
    private ServerSocketChannel engine;
    private String host;

    @BeforeEach
    void listen(@TempDir Path directory) throws IOException {
        timer = Executors.newSingleThreadScheduledExecutor();
        Path socket = directory.resolve("engine.sock");
        engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        host = "unix://" + socket;
    }

    @AfterEach
    void close() throws IOException {
        engine.close();
        timer.shutdownNow();
    }

    @Test
    void anEngineThatNeverAnswersIsGivenUpOn() throws Exception {
        daemon(() -> {
            try (SocketChannel connection = engine.accept()) {
                Thread.sleep(60_000); // takes the request, says nothing
            } catch (IOException | InterruptedException ignored) {
                // the test is over
            }
        });
        long start = System.nanoTime();
        SocketTimeoutException timedOut = assertThrows(SocketTimeoutException.class,
                () -> AttachedStreams.attach(host, "c0ffee", ANSWER_TIMEOUT, timer));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= ANSWER_TIMEOUT.toMillis() - 100 && waited < 30_000, "gave up after " + waited + " ms");
        assertTrue(timedOut.getMessage().contains("did not answer"), timedOut.getMessage());
    }

    @Test
    void anAttachAnsweredInTimeOutlivesTheAnswerTimeout() throws Exception {
        daemon(() -> {
            try (SocketChannel connection = engine.accept()) {
                connection.read(ByteBuffer.allocate(4096));
                write(connection, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".getBytes(
                        StandardCharsets.US_ASCII));
                Thread.sleep(ANSWER_TIMEOUT.toMillis() * 2); // the container writes later than the answer timeout
                write(connection, new byte[] {1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n'});
            } catch (IOException | InterruptedException ignored) {
                // the test fails on what it read
            }
        });
        try (AttachedStreams streams = AttachedStreams.attach(host, "c0ffee", ANSWER_TIMEOUT, timer)) {
            assertArrayEquals("hi\n".getBytes(StandardCharsets.US_ASCII), streams.stdout().readAllBytes());
        }
    }

    private static void write(SocketChannel connection, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            connection.write(buffer);
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
    }
}
