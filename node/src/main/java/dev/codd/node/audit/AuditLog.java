package dev.codd.node.audit;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, hash-chained log of what happened, in segments of JSON lines
 * ({@code audit-<first seq>.jsonl}) whose chain runs on from one segment to the next. A record is
 * written at once (so a killed process loses none) and made durable by a flusher thread that syncs
 * many records with one fsync (group commit): at once when a caller waits for it
 * ({@link #appendDurably}), otherwise within {@link #SYNC_INTERVAL_MILLIS}. Opening a log after a
 * crash drops a last line that was being written, and nothing else.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final Pattern SEGMENT = Pattern.compile("audit-(\\d{10})\\.jsonl");
    /** Segments are closed at this size unless told otherwise; nothing is ever deleted. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** How long a record nobody waits for may stay unsynced: fsyncs cost CPU that queries need. */
    public static final long SYNC_INTERVAL_MILLIS = 50;
    private static final long COMMIT_DELAY_MILLIS = 1;

    /** The last record: its sequence number and hash. */
    public record Head(long seq, String hash) {}

    private record Pending(CompletableFuture<Head> done, Head head) {}

    private final Path directory;
    /** Held while the log is open: two writers would break the chain. */
    private final FileLock lock;
    private final long segmentBytes;
    private final List<Pending> pending = new ArrayList<>();
    private final Thread flusher;
    private FileChannel channel;
    private long segmentSize;
    private Head head;
    private boolean closed;
    /** Whether a caller waits for the pending records to be on disk. */
    private boolean waitedFor;
    /** How many callers waited for the last sync: when several did, the next sync waits a moment for more. */
    private int lastWaiters;
    private int waiters;
    private long oldestPendingNanos;

    private AuditLog(Path directory, FileLock lock, long segmentBytes, Path segment, Head head) throws IOException {
        this.directory = directory;
        this.lock = lock;
        this.segmentBytes = segmentBytes;
        this.head = head;
        openSegment(segment);
        this.flusher = new Thread(this::flushLoop, "codd-audit-" + directory.getFileName());
        flusher.setDaemon(true);
        flusher.start();
    }

    /**
     * Opens the log in {@code directory} (created if missing), recovering from a crash, and records
     * that {@code owner} opened it.
     */
    public static AuditLog open(Path directory, String owner, long segmentBytes, Map<String, ?> details) {
        FileLock lock = null;
        try {
            Files.createDirectories(directory);
            lock = lock(directory);
            List<Path> segments = segments(directory);
            Head head = new Head(0, AuditLine.GENESIS);
            Path last = directory.resolve(segmentName(1));
            long dropped = 0;
            if (!segments.isEmpty()) {
                last = segments.get(segments.size() - 1);
                dropped = dropPartialLine(last);
                head = lastHead(directory, segments);
            }
            AuditLog log = new AuditLog(directory, lock, segmentBytes, last, head);
            Map<String, Object> opened = new LinkedHashMap<>();
            opened.put("owner", owner);
            opened.putAll(details);
            if (dropped > 0) {
                opened.put("droppedPartialRecordBytes", dropped);
            }
            log.appendDurably("audit.opened", opened);
            return log;
        } catch (IOException | CompletionException e) {
            release(lock);
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot open the audit log in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static FileLock lock(Path directory) throws IOException {
        FileChannel file = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = file.tryLock();
            if (lock != null) {
                return lock;
            }
        } catch (OverlappingFileLockException e) {
            // held in this process
        }
        file.close();
        throw new IOException("another requester or node writes it; give each its own directory");
    }

    private static void release(FileLock lock) {
        if (lock != null) {
            try {
                lock.channel().close();
            } catch (IOException ignored) {
                // closing the channel releases the lock; nothing else to do
            }
        }
    }

    /** The SHA-256 of {@code text} in hex, as the log hashes its records: for recording a text by its hash. */
    public static String sha256(String text) {
        return AuditLine.sha256(text);
    }

    public Path directory() {
        return directory;
    }

    /** The segment files, oldest first. */
    public List<Path> segments() {
        try {
            return segments(directory);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot list the audit log in " + directory + ": " + e.getMessage(), e);
        }
    }

    public synchronized Head head() {
        return head;
    }

    /**
     * Appends a record of {@code type} with {@code data} (plain values, lists and maps). The record's
     * place in the log is fixed on return; the future completes when it is on disk.
     */
    public CompletableFuture<Head> append(String type, Map<String, ?> data) {
        return append(type, data, false);
    }

    private CompletableFuture<Head> append(String type, Map<String, ?> data, boolean wait) {
        CompletableFuture<Head> done = new CompletableFuture<>();
        String body = AuditLine.body(type, data); // the costly part, outside the lock
        synchronized (this) {
            if (closed) {
                done.completeExceptionally(new IOException("The audit log in " + directory + " is closed"));
                return done;
            }
            long seq = head.seq() + 1;
            String line = AuditLine.format(seq, Instant.now().truncatedTo(ChronoUnit.MICROS).toString(), body, head.hash());
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                if (segmentSize > 0 && segmentSize + bytes.length > segmentBytes) {
                    channel.force(false);
                    channel.close();
                    openSegment(directory.resolve(segmentName(seq)));
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                done.completeExceptionally(e);
                return done;
            }
            segmentSize += bytes.length;
            head = new Head(seq, AuditLine.hashOf(line));
            if (pending.isEmpty()) {
                oldestPendingNanos = System.nanoTime();
            }
            pending.add(new Pending(done, head));
            if (wait) {
                waitedFor = true;
                waiters++;
                notifyAll();
            }
        }
        return done;
    }

    /** Appends and waits until the record is on disk; a log that cannot be written fails the caller. */
    public Head appendDurably(String type, Map<String, ?> data) {
        return awaitDisk(appendUrgently(type, data));
    }

    /**
     * Appends a record someone will soon wait for with {@link #awaitDisk}: it is synced at once, while
     * the caller goes on with other work.
     */
    public CompletableFuture<Head> appendUrgently(String type, Map<String, ?> data) {
        return append(type, data, true);
    }

    /** Waits until an appended record is on disk; a log that cannot be written fails the caller. */
    public Head awaitDisk(CompletableFuture<Head> appended) {
        try {
            return appended.join();
        } catch (CompletionException e) {
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot write the audit log in " + directory + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private void flushLoop() {
        while (true) {
            List<Pending> batch;
            FileChannel toSync;
            synchronized (this) {
                while (!closed && !waitedFor) {
                    long waitMillis = pending.isEmpty() ? SYNC_INTERVAL_MILLIS
                            : SYNC_INTERVAL_MILLIS - (System.nanoTime() - oldestPendingNanos) / 1_000_000;
                    if (!pending.isEmpty() && waitMillis <= 0) {
                        break;
                    }
                    try {
                        wait(Math.max(1, waitMillis));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    waitedFor = false;
                    continue;
                }
                if (waitedFor && lastWaiters > 1 && !closed) {
                    // busy: one fsync for the callers arriving within a millisecond, not one each (their
                    // appends wake this thread: the delay is waited out whole)
                    long until = System.nanoTime() + COMMIT_DELAY_MILLIS * 1_000_000;
                    for (long left = COMMIT_DELAY_MILLIS * 1_000_000; left > 0 && !closed;
                            left = until - System.nanoTime()) {
                        try {
                            wait(left / 1_000_000, (int) (left % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                batch = new ArrayList<>(pending);
                pending.clear();
                waitedFor = false;
                lastWaiters = waiters;
                waiters = 0;
                toSync = channel;
            }
            try {
                toSync.force(false);
                batch.forEach(p -> p.done().complete(p.head()));
            } catch (ClosedChannelException e) {
                // the segment was closed for the next one, synced first
                batch.forEach(p -> p.done().complete(p.head()));
            } catch (IOException e) {
                LOG.error("Cannot sync the audit log in {}: {}", directory, e.toString());
                batch.forEach(p -> p.done().completeExceptionally(e));
            }
        }
    }

    private void openSegment(Path segment) throws IOException {
        channel = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segmentSize = channel.size();
        // the directory entry of a new segment must survive a crash too
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every file system syncs directories; the file's own sync still holds its records
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        try {
            flusher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                channel.force(false);
                channel.close();
            } catch (IOException e) {
                LOG.warn("Cannot close the audit log in {}: {}", directory, e.toString());
            }
            release(lock);
        }
    }

    static String segmentName(long firstSeq) {
        return String.format("audit-%010d.jsonl", firstSeq);
    }

    static List<Path> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> SEGMENT.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** Cuts a last line that has no newline (a record being written when the process died); returns the bytes cut. */
    private static long dropPartialLine(Path segment) throws IOException {
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = file.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                file.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                LOG.warn("Audit log {}: dropping {} bytes of a record that was being written when it stopped", segment,
                        size - end);
                file.truncate(end);
                file.force(true);
            }
            return size - end;
        }
    }

    /** The last record of the log, which must be intact: a damaged log is for a person to look at. */
    private static Head lastHead(Path directory, List<Path> segments) throws IOException {
        for (int i = segments.size() - 1; i >= 0; i--) {
            List<String> lines = Files.readAllLines(segments.get(i), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                continue;
            }
            String last = lines.get(lines.size() - 1);
            AuditLine.Parsed parsed = AuditLine.parse(last).filter(AuditLine.Parsed::intact).orElseThrow(() ->
                    new IOException("its last record (" + segments.get(segments.size() - 1).getFileName()
                            + ") is damaged; see codd audit verify " + directory));
            return new Head(parsed.line().seq(), parsed.line().hash());
        }
        return new Head(0, AuditLine.GENESIS);
    }
}
