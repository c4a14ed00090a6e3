package dev.codd.executors.docker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A container's stdin, stdout and stderr over one attach connection to the engine, read and written
 * at once from two threads (the channel itself, not {@code Channels}' streams, which would make
 * a write wait for a read). docker-java's
 * HTTP transports cannot end a container's stdin (closing their stream never half-closes the
 * socket, docker-java issue 1448), and a container that reads to the end of its input needs that
 * end; so this connection is made here and half-closed when the input is done.
 */
final class AttachedStreams implements AutoCloseable {
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private final SocketChannel channel;
    private final InputStream raw;
    private final OutputStream stdin;
    private final StderrTail stderr = new StderrTail(4096);
    private final InputStream stdout = new Demultiplexed();

    private AttachedStreams(SocketChannel channel, InputStream raw) {
        this.channel = channel;
        this.raw = raw;
        this.stdin = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }

            @Override
            public void close() throws IOException {
                channel.shutdownOutput(); // the engine closes the container's stdin
            }
        };
    }

    /**
     * Attaches to a created container's three streams, before it starts, so that nothing it writes is
     * lost; the engine has {@code answerTimeout} to answer, after which {@code timer} closes the
     * connection (a channel's reads have no timeout of their own).
     */
    static AttachedStreams attach(String host, String containerId, Duration answerTimeout, ScheduledExecutorService timer)
            throws IOException {
        URI uri = URI.create(host);
        SocketAddress engine = switch (uri.getScheme()) {
            case "unix" -> UnixDomainSocketAddress.of(uri.getPath());
            case "tcp" -> new InetSocketAddress(uri.getHost(), uri.getPort());
            default -> throw new IOException("Docker host " + host + " is neither unix:// nor tcp://");
        };
        SocketChannel channel = engine instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        // set before the timer closes the channel: a read that the close wakes may see it before the
        // timer's task ends, and a task under way can still be cancelled
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> giveUp = null;
        try {
            giveUp = timer.schedule(() -> {
                timedOut.set(true);
                DockerEngine.closeQuietly(channel);
            }, answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            channel.connect(engine);
            String request = "POST /containers/" + containerId + "/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
                    + "Host: docker\r\nContent-Type: text/plain\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
            ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            InputStream in = new BufferedInputStream(new ChunkInputStream() {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return channel.read(ByteBuffer.wrap(b, off, len));
                }
            }, 1 << 16);
            String status = readHeaders(in);
            giveUp.cancel(false);
            if (timedOut.get()) {
                throw new ClosedChannelException(); // the answer came as the time ran out
            }
            if (!status.contains(" 101 ") && !status.contains(" 200 ")) {
                throw new IOException("the engine refused to attach: " + status);
            }
            return new AttachedStreams(channel, in);
        } catch (IOException | RuntimeException e) {
            if (giveUp != null) {
                giveUp.cancel(false);
            }
            channel.close();
            if (timedOut.get()) { // the timer closed the channel
                throw new SocketTimeoutException("the engine did not answer the attach in time");
            }
            throw e;
        }
    }

    /** Reads the response's header lines, up to the empty line, and returns its status line. */
    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0 || headers.size() > 64 * 1024) {
                throw new IOException("the engine ended the attach response early");
            }
            headers.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = headers.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf('\r'));
    }

    OutputStream stdin() {
        return stdin;
    }

    /** What the container writes to stdout; reading it also collects stderr, which arrives on the same connection. */
    InputStream stdout() {
        return stdout;
    }

    /** The last lines the container wrote to stderr, as far as stdout has been read. */
    String stderrTail() {
        return stderr.text();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The engine's frames, each an 8-byte header (stream, 0, 0, 0, length) and its bytes, read as stdout. */
    private final class Demultiplexed extends ChunkInputStream {
        private final byte[] header = new byte[8];
        private int remaining;
        private boolean ended;

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (remaining == 0) {
                if (ended || !nextFrame()) {
                    ended = true;
                    return -1;
                }
            }
            int read = raw.read(buffer, offset, Math.min(length, remaining));
            if (read < 0) {
                ended = true;
                return -1;
            }
            remaining -= read;
            return read;
        }

        /** Reads the next stdout frame's header; stderr frames on the way go to the tail. */
        private boolean nextFrame() throws IOException {
            while (true) {
                if (raw.readNBytes(header, 0, 8) < 8) {
                    return false;
                }
                int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                        | (header[7] & 0xff);
                if (header[0] == STDOUT) {
                    remaining = length;
                    return true;
                }
                byte[] bytes = raw.readNBytes(length);
                if (header[0] == STDERR) {
                    stderr.add(bytes);
                }
            }
        }
    }

    /** The end of stderr, kept small: it is for error messages. */
    private static final class StderrTail {
        private final int limit;
        private final StringBuilder text = new StringBuilder();

        StderrTail(int limit) {
            this.limit = limit;
        }

        synchronized void add(byte[] bytes) {
            text.append(new String(bytes, StandardCharsets.UTF_8));
            if (text.length() > limit) {
                text.delete(0, text.length() - limit);
            }
        }

        synchronized String text() {
            return text.toString();
        }
    }
}
