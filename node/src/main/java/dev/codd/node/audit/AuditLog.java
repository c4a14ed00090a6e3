package dev.codd.node.audit;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, hash-chained log of what happened, in segments of JSON lines
 * ({@code audit-<first seq>.jsonl}) whose chain runs on from one segment to the next. A record is
 * written at once (so a killed process loses none) and made durable by an fsync that covers every
 * record written before it (group commit):
 * <ul>
 *   <li>a record someone needs on disk ({@link #appendUrgently}, then {@link #awaitDisk}) is synced
 *       at once when it is the only one outstanding, so the sync overlaps the caller's work; when
 *       others are outstanding too (several queries under way), once the first of them is waited
 *       for, so that one fsync covers all of them;</li>
 *   <li>any other record is synced within twice {@link #SYNC_INTERVAL_MILLIS}.</li>
 * </ul>
 * Only the flusher thread syncs (rotations and close() aside): everyone waiting for an fsync waits
 * for its thread to get a CPU back when the disk is done, and on a busy machine a query's thread,
 * which has had much CPU, waits long for it; the flusher, mostly asleep, does not.
 * Opening a log after a crash drops a last line that was being written, and nothing else. A failed
 * write or fsync fails every later wait: what the kernel had not written may be lost, so the log is
 * not trusted again until it is reopened (and checked).
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** A segment's name: its first record's number, ten digits at least (more after record 9,999,999,999). */
    private static final Pattern SEGMENT = Pattern.compile("audit-(\\d{10,18})\\.jsonl");
    /** Segments are closed at this size unless told otherwise; nothing is ever deleted. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** How long a record nobody waits for may stay unsynced: fsyncs cost CPU that queries need. */
    public static final long SYNC_INTERVAL_MILLIS = 50;
    /** A record appended for a wait that has not come after this long no longer counts as outstanding (its query failed, or is slow). */
    private static final long ABANDONED_NANOS = 1_000_000_000L;
    /**
     * The directories whose logs this process writes: the OS does not refuse one process a second lock
     * on the same file, and closing the second channel would drop the first one's lock.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    /**
     * The type of the record of what a log's owner carries over ({@code carried} of {@link #open}):
     * first in each new segment, so that the newest can be read alone.
     */
    public static final String CHECKPOINT = "audit.checkpoint";
    /** The type of the record a log starts each opening with, naming its owner. */
    public static final String OPENED = "audit.opened";

    /** The last record: its sequence number and hash. */
    public record Head(long seq, String hash) {
        private static final Pattern TEXT = Pattern.compile("([1-9][0-9]{0,17}):([0-9a-fA-F]{64})");

        /** The head as {@code codd audit head} prints it, to be kept outside the log: {@code SEQ:HASH}. */
        public String text() {
            return seq + ":" + hash;
        }

        /** A head as {@link #text()} writes it (the hash's case aside), if {@code text} is one. */
        public static Optional<Head> parse(String text) {
            Matcher head = TEXT.matcher(text.strip());
            return head.matches() ? Optional.of(new Head(Long.parseLong(head.group(1)), head.group(2).toLowerCase(Locale.ROOT)))
                    : Optional.empty();
        }
    }

    private final Path directory;
    /** Held while the log is open: two writers would break the chain. */
    private final Held held;
    private final long segmentBytes;
    /** The data of a {@value #CHECKPOINT} record, or null; called under the log's lock. */
    private final Supplier<Map<String, ?>> carried;
    private final Thread flusher;
    /** Guards what follows; a lock, not a monitor, for its several conditions: each wakes only those it concerns. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Where callers wait for an fsync: the one running if it covers their record ({@link #syncTarget}
     * at or past it), else the next, in turns by {@link #generation}; so the end of an fsync need not
     * wake those that must wait for the next one. A rotation or close() waits here for the running one.
     */
    private final Condition[] covered = {lock.newCondition(), lock.newCondition()};
    /** Signalled when the flusher has something to do. */
    private final Condition flush = lock.newCondition();
    /**
     * The segment written now: a stream, not a channel, because a channel is closed when a thread
     * using it is interrupted (a cancelled query's), which would take the log down with it.
     */
    private FileOutputStream segment;
    private long segmentSize;
    /** The size of the checkpoint the segment starts with: it is never closed for the next with nothing more in it. */
    private long segmentStart;
    private Head head;
    private boolean closed;
    /** The last record known to be on disk. */
    private Head durable;
    /** Whether the flusher's fsync runs now. */
    private boolean syncing;
    /** How many fsyncs started: the one running, if any, is this one. */
    private long generation;
    /** The last record the fsync running now covers. */
    private long syncTarget;
    /** When the oldest record not yet on disk was written. */
    private long unsyncedSinceNanos;
    /** Records appended for a wait that has not come yet (synced or not), by sequence number, with when they were appended. */
    private final Map<Long, Long> awaited = new LinkedHashMap<>();
    /** Why a write or an fsync failed: once one has, no record is taken for on disk. */
    private IOException failure;
    /** Whether the flusher should sync as soon as no fsync runs: a record is, or will soon be, waited for. */
    private boolean syncSoon;
    /** The second {@link #timePrefix} formats. */
    private long timeSecond = Long.MIN_VALUE;
    private String timePrefix;
    /** How many fsyncs the log made: for tests of the group commit. */
    private long syncs;

    private AuditLog(Path directory, Held held, long segmentBytes, Supplier<Map<String, ?>> carried, Path segment, Head head)
            throws IOException {
        this.directory = directory;
        this.held = held;
        this.segmentBytes = segmentBytes;
        this.carried = carried;
        this.head = head;
        this.durable = head;
        openSegment(segment);
        this.flusher = new Thread(this::runFlusher, "codd-audit-" + directory.getFileName());
        flusher.setDaemon(true);
        flusher.start();
    }

    /**
     * Opens the log in {@code directory} (created if missing), recovering from a crash, and records
     * that {@code owner} opened it.
     */
    public static AuditLog open(Path directory, String owner, long segmentBytes, Map<String, ?> details) {
        return open(directory, owner, segmentBytes, details, null);
    }

    /**
     * Opens the log like {@link #open(Path, String, long, Map)}; each segment after the first then
     * starts with a {@value #CHECKPOINT} record of what {@code carried} gives (called under the log's
     * lock, so it must take no lock held while appending): what its owner needs to read from the
     * newest segment alone, without going back through all of them.
     */
    public static AuditLog open(Path directory, String owner, long segmentBytes, Map<String, ?> details,
            Supplier<Map<String, ?>> carried) {
        Held held = null;
        try {
            Files.createDirectories(directory);
            held = lock(directory);
            List<Path> segments = segments(directory);
            Head head = new Head(0, AuditLine.GENESIS);
            Path last = directory.resolve(segmentName(1));
            long dropped = 0;
            if (!segments.isEmpty()) {
                last = segments.get(segments.size() - 1);
                dropped = dropPartialLine(last);
                head = lastHead(directory, segments, false); // audit.opened's own fsync follows
            }
            AuditLog log = new AuditLog(directory, held, segmentBytes, carried, last, head);
            Map<String, Object> opened = new LinkedHashMap<>();
            opened.put("owner", owner);
            opened.putAll(details);
            if (dropped > 0) {
                opened.put("droppedPartialRecordBytes", dropped);
            }
            try {
                log.appendDurably(OPENED, opened);
            } catch (CoddException e) {
                log.close(); // releases the lock
                throw e;
            }
            return log;
        } catch (IOException e) {
            if (held != null) {
                held.release();
            }
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot open the audit log in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** A log's directory as this process holds it: its real path, and the lock on its {@code .lock} file. */
    private record Held(Path directory, FileLock lock) {
        void release() {
            try {
                lock.channel().close(); // releases the lock
            } catch (IOException ignored) {
                // nothing else to do
            } finally {
                HELD.remove(directory);
            }
        }
    }

    private static Held lock(Path directory) throws IOException {
        Path held = directory.toRealPath();
        if (!HELD.add(held)) {
            throw new IOException("this process writes it already; give each requester and node its own directory");
        }
        try {
            FileChannel file = FileChannel.open(held.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = file.tryLock();
                if (lock != null) {
                    return new Held(held, lock);
                }
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
            file.close();
            throw new IOException("another requester or node writes it; give each its own directory");
        } catch (IOException | RuntimeException e) {
            HELD.remove(held);
            throw e;
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

    public Head head() {
        return underLock(() -> head);
    }

    /**
     * The last record known to be on disk: what a node signs, so that no signed head names a record
     * that a failing machine could still lose.
     */
    public Head durable() {
        return underLock(() -> durable);
    }

    private <T> T underLock(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a record of {@code type} with {@code data} (plain values, lists and maps); it reaches
     * the disk within twice {@link #SYNC_INTERVAL_MILLIS}. A record that cannot be written is logged
     * as an error, one written elided as a warning: it records something that already happened, which
     * failing the caller would not undo.
     */
    public void append(String type, Map<String, ?> data) {
        try {
            appendOrFail(type, data);
        } catch (CoddException e) {
            if (e.errorCode() == ErrorCode.PROGRAM_LIMIT_EXCEEDED) {
                LOG.warn(e.getMessage());
            } else {
                LOG.error("Lost an audit record ({}): {}", type, e.getMessage());
            }
        }
    }

    /**
     * Appends a record that reaches the disk like {@link #append}'s, but fails its caller if it cannot
     * be written, or only elided ({@link #bodyWithinLimit}): for a record without which the caller
     * must not go on.
     */
    public Head appendOrFail(String type, Map<String, ?> data) {
        return write(bodyWithinLimit(type, data)); // the body, the costly part, is built outside the lock
    }

    /**
     * The body of a record; one over {@link AuditLine#MAX_BODY_BYTES} is written with its largest
     * entries elided (so that the log still says it came, and who asked) and fails its caller (54000):
     * what it records must not go on without it whole.
     */
    private byte[] bodyWithinLimit(String type, Map<String, ?> data) {
        byte[] body = AuditLine.body(type, data);
        if (body.length <= AuditLine.MAX_BODY_BYTES) {
            return body;
        }
        write(AuditLine.elided(type, data));
        throw new CoddException(ErrorCode.PROGRAM_LIMIT_EXCEEDED, "The audit record of " + type + " would be "
                + body.length + " bytes, over the audit log's limit of " + (AuditLine.MAX_BODY_BYTES >> 20)
                + " MiB (for a query: its SQL text and parameter values): it is written with its largest parts by their SHA-256 only");
    }

    /**
     * Appends a record that its caller will wait for with {@link #awaitDisk} before going on (before
     * the first row of a query leaves, say); fails like {@link #appendOrFail}.
     */
    public Head appendUrgently(String type, Map<String, ?> data) {
        byte[] body = bodyWithinLimit(type, data); // the costly part, outside the lock
        lock.lock();
        try {
            Head appended = write(body);
            long now = System.nanoTime();
            for (var oldest = awaited.values().iterator(); oldest.hasNext() && now - oldest.next() > ABANDONED_NANOS; ) {
                oldest.remove();
            }
            if (awaited.isEmpty()) { // alone: sync now, while the caller works; else once the first is waited for
                syncSoon = true;
                flush.signal();
            }
            awaited.put(appended.seq(), now);
            return appended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a {@value #CHECKPOINT} record now, as a new segment starts with: for an owner whose newest
     * segment has none (written before checkpoints were, or cut by a crash), so it need not go back
     * further next time.
     */
    public void checkpoint() {
        if (carried != null) {
            lock.lock();
            try {
                append(CHECKPOINT, carried.get()); // under the lock, as at a rotation: no head kept meanwhile is left out
            } finally {
                lock.unlock();
            }
        }
    }

    /** Appends and waits until the record is on disk; a log that cannot be written fails the caller. */
    public Head appendDurably(String type, Map<String, ?> data) {
        Head appended = appendUrgently(type, data);
        awaitDisk(appended);
        return appended;
    }

    /**
     * Returns once the record {@code appended} is on disk: at once if it is, after the fsync that
     * runs if it covers the record, else after the next one, which the flusher starts as soon as the
     * running one ends. A log that cannot be synced fails the caller (58030), an interrupted wait too
     * (57014).
     */
    public void awaitDisk(Head appended) {
        lock.lock();
        try {
            awaited.remove(appended.seq());
            while (true) {
                if (failure != null) {
                    throw cannotWrite(failure); // a failure wakes every waiter
                }
                if (durable.seq() >= appended.seq()) { // close() syncs every record, so this comes unless one fails
                    return;
                }
                try {
                    if (syncing && appended.seq() <= syncTarget) {
                        waitingFor(generation).await();
                    } else {
                        syncSoon = true;
                        flush.signal();
                        waitingFor(generation + 1).await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CoddException(ErrorCode.QUERY_CANCELLED, "Interrupted while the audit log was synced", e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes a record of {@link AuditLine#body} under the log's lock; it is in the file (not yet on disk) on return. */
    private Head write(byte[] body) {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new CoddException(ErrorCode.DATA_ERROR, "The audit log in " + directory + " is closed");
                }
                if (failure != null) {
                    throw cannotWrite(failure);
                }
                long seq = head.seq() + 1;
                AuditLine.Encoded line = AuditLine.encode(seq, now(), body, head.hash());
                boolean rotate = segmentSize > segmentStart && segmentSize + line.bytes().length > segmentBytes;
                if (rotate && syncing) {
                    // the segment's fsync under way must end, and report a failure, before it is closed
                    awaitNoSync();
                    continue; // others may have written meanwhile: the record takes the place that is next now
                }
                try {
                    if (rotate) {
                        segment.getFD().sync();
                        segment.close();
                        durable = head;
                        wakeEveryWaiter();
                        openSegment(directory.resolve(segmentName(seq)));
                        if (carried != null) {
                            writeLine(seq, AuditLine.encode(seq, now(), AuditLine.body(CHECKPOINT, carried.get()), head.hash()));
                            segmentStart = segmentSize;
                            continue; // the record comes next, after the checkpoint the segment starts with
                        }
                    }
                    return writeLine(seq, line);
                } catch (IOException e) {
                    failure = e; // a part of the record may be in the file: what follows would not chain
                    wakeEveryWaiter();
                    LOG.error("Cannot write the audit log in {}: {}", directory, e.toString());
                    throw cannotWrite(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes record {@code seq}, under the log's lock, as the head that follows the one before. */
    private Head writeLine(long seq, AuditLine.Encoded line) throws IOException {
        segment.write(line.bytes());
        segmentSize += line.bytes().length;
        if (durable.seq() == head.seq()) {
            unsyncedSinceNanos = System.nanoTime();
        }
        head = new Head(seq, line.hash());
        return head;
    }

    /** Waits, under the log's lock, until no fsync runs; an interrupt is kept for later, as no caller can give up here. */
    private void awaitNoSync() {
        while (syncing) {
            waitingFor(generation).awaitUninterruptibly();
        }
    }

    /** Where callers wait for fsync number {@code fsync}: the running one is {@link #generation}, the next one after. */
    private Condition waitingFor(long fsync) {
        return covered[(int) (fsync & 1)];
    }

    /** Under the log's lock, when records reach the disk other than by an fsync that ends, or never will: each waiter sees which. */
    private void wakeEveryWaiter() {
        covered[0].signalAll();
        covered[1].signalAll();
    }

    private CoddException cannotWrite(IOException why) {
        return new CoddException(ErrorCode.DATA_ERROR, "Cannot write the audit log in " + directory + ": " + why.getMessage(), why);
    }

    /**
     * Syncs {@code toSync} for the flusher, which set {@link #syncing} at {@code startedNanos}; unless
     * it fails, the records up to {@code target} are on disk after.
     */
    private void sync(FileOutputStream toSync, Head target, long startedNanos) {
        IOException error = null;
        try {
            toSync.getFD().sync();
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            try {
                syncing = false;
                syncs++;
                if (error != null) { // the segment is never closed for the next while it is synced
                    LOG.error("Cannot sync the audit log in {}: {}", directory, error.toString());
                    failure = error;
                } else if (target.seq() > durable.seq()) {
                    durable = target;
                    if (durable.seq() < head.seq()) {
                        unsyncedSinceNanos = startedNanos; // the records left were written since: none waits longer
                    }
                }
                if (failure != null) {
                    wakeEveryWaiter(); // no fsync comes after a failed one
                } else {
                    waitingFor(generation).signalAll(); // callers waiting for this sync, or to rotate or close
                }
            } finally {
                lock.unlock();
            }
        }
    }

    long syncs() {
        return underLock(() -> syncs);
    }

    /** The time for a record, to the microsecond, always with six digits; under the lock, so records' times never go back. */
    private String now() {
        Instant now = Instant.now();
        if (now.getEpochSecond() != timeSecond) { // formatting a whole instant costs more than the rest of a record
            timeSecond = now.getEpochSecond();
            timePrefix = LocalDateTime.ofEpochSecond(timeSecond, 0, ZoneOffset.UTC).format(SECOND) + ".";
        }
        String micros = Integer.toString(now.getNano() / 1000);
        return timePrefix + "000000".substring(micros.length()) + micros + "Z";
    }

    /** Runs {@link #flushLoop}; should it stop before close(), every wait fails rather than waits for an fsync that will not come. */
    private void runFlusher() {
        try {
            flushLoop();
        } finally {
            lock.lock();
            try {
                if (!closed && failure == null) {
                    failure = new IOException("its flusher thread stopped");
                    syncing = false; // rotations and close() wait for no fsync of the flusher's any more
                    LOG.error("The audit log in {} is not synced any more: its flusher thread stopped", directory);
                    wakeEveryWaiter();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Syncs records that are waited for, or soon will be, at once, and every other record within the interval. */
    private void flushLoop() {
        while (true) {
            Head target;
            long startedNanos;
            FileOutputStream toSync;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return; // close() syncs what is left
                    }
                    boolean unsynced = durable.seq() < head.seq() && failure == null; // a failed log is not synced again
                    long dueInNanos = SYNC_INTERVAL_MILLIS * 1_000_000 - (System.nanoTime() - unsyncedSinceNanos);
                    if (unsynced && (syncSoon || dueInNanos <= 0)) {
                        break;
                    }
                    if (!unsynced) {
                        syncSoon = false;
                    }
                    // new records wake this thread only when they are to be synced soon
                    long waitNanos = !unsynced ? SYNC_INTERVAL_MILLIS * 1_000_000 : Math.max(dueInNanos, 1_000_000);
                    try {
                        flush.awaitNanos(waitNanos);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                syncSoon = false;
                syncing = true;
                generation++;
                syncTarget = head.seq();
                target = head;
                startedNanos = System.nanoTime();
                toSync = segment;
            } finally {
                lock.unlock();
            }
            sync(toSync, target, startedNanos);
        }
    }

    private void openSegment(Path segment) throws IOException {
        this.segment = new FileOutputStream(segment.toFile(), true);
        segmentSize = Files.size(segment);
        segmentStart = 0;
        // the directory entry of a new segment must survive a crash too; a cancelled query's thread
        // (interrupted) may be the one that opens it, and an interrupt would close the channel unsynced
        boolean interrupted = Thread.interrupted();
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every file system syncs directories; the file's own sync still holds its records
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            flush.signal();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            awaitNoSync(); // the flusher's, should the join have given up on it: let it end before the segment closes
            try (FileOutputStream last = segment) {
                if (failure == null) {
                    last.getFD().sync();
                    durable = head;
                }
            } catch (IOException e) {
                failure = e;
                LOG.warn("Cannot close the audit log in {}: {}", directory, e.toString());
            }
            held.release();
            wakeEveryWaiter(); // no fsync comes after this one
        } finally {
            lock.unlock();
        }
    }

    static String segmentName(long firstSeq) {
        return String.format("audit-%010d.jsonl", firstSeq);
    }

    /** The sequence number of a segment's first record, as its name says. */
    static long firstSeq(Path segment) {
        Matcher name = SEGMENT.matcher(segment.getFileName().toString());
        if (!name.matches()) {
            throw new IllegalArgumentException(segment + " is not a segment of an audit log");
        }
        return Long.parseLong(name.group(1));
    }

    /**
     * The segments in {@code directory}, oldest first (by number: names grow a digit past record
     * 9,999,999,999). One that is not a regular file is refused: reading a pipe or a device would not end.
     * A link to a segment is followed.
     */
    static List<Path> segments(Path directory) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(directory)) {
            segments = files.filter(f -> SEGMENT.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(AuditLog::firstSeq).thenComparing(Path::toString)).toList();
        }
        for (Path segment : segments) {
            String kind;
            try {
                BasicFileAttributes file = Files.readAttributes(segment, BasicFileAttributes.class);
                if (file.isRegularFile()) {
                    continue;
                }
                kind = file.isDirectory() ? "a directory" : "a pipe, a socket or a device";
            } catch (NoSuchFileException e) { // listed, so a link to nothing
                kind = "a broken link";
            }
            throw new IOException(segment + " is " + kind + ", not a regular file as every segment of an audit log is");
        }
        return segments;
    }

    /**
     * Cuts a last line that has no newline (a record being written when the process died); returns the
     * bytes cut.
     */
    private static long dropPartialLine(Path segment) throws IOException {
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = file.size();
            long end = wholeLinesEnd(file, segment);
            if (end < size) {
                LOG.warn("Audit log {}: dropping {} bytes of a record that was being written when it stopped", segment,
                        size - end);
                file.truncate(end);
                file.force(true);
            }
            return size - end;
        }
    }

    /**
     * Where a segment's whole lines end: past its last newline. A line after it is a record being
     * written, or cut as it was; one longer than any record was not being written, and is left for a
     * person to look at.
     */
    private static long wholeLinesEnd(FileChannel file, Path segment) throws IOException {
        long size = file.size();
        long end = lineStart(file, size);
        if (size - end > AuditLine.MAX_LINE_BYTES) {
            throw new IOException("its last line (" + segment.getFileName() + ") has no newline and is over "
                    + AuditLine.MAX_LINE_BYTES + " bytes long, which no record being written is; see codd audit verify");
        }
        return end;
    }

    /**
     * The last whole record of the log in {@code directory}, on disk: what to keep outside the log as a
     * witness of it ({@code codd audit head}), which {@code codd audit verify --expect} checks the log
     * still holds. The log may be being written: a record not written whole yet is passed over. Only
     * that record is checked, not the chain before it.
     */
    public static Head lastRecord(Path directory) throws IOException {
        List<Path> segments = segments(directory);
        Head head = lastHead(directory, segments, true);
        if (head.seq() == 0) {
            throw new IOException(segments.isEmpty() ? "it holds no segment (audit-*.jsonl)" : "it holds no record");
        }
        return head;
    }

    /**
     * The last record of the log, which must be intact: a damaged log is for a person to look at;
     * {@code sync}ed to disk when it is to be handed out.
     */
    private static Head lastHead(Path directory, List<Path> segments, boolean sync) throws IOException {
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path segment = segments.get(i);
            Optional<String> last = lastLine(segment, i == segments.size() - 1, sync);
            if (last.isEmpty()) {
                continue;
            }
            AuditLine.Parsed parsed = last.flatMap(AuditLine::parse).filter(AuditLine.Parsed::intact).orElseThrow(() ->
                    new IOException("its last record (" + segment.getFileName()
                            + ") is damaged; see codd audit verify " + directory));
            long startsWith = firstRecord(segment);
            if (startsWith != firstSeq(segment)) { // a segment renamed, or another log's
                throw new IOException("its segment " + segment.getFileName() + " is named for record " + firstSeq(segment)
                        + " but starts with " + (startsWith < 0 ? "no intact record" : "record " + startsWith)
                        + "; see codd audit verify " + directory);
            }
            Head head = new Head(parsed.line().seq(), parsed.line().hash());
            requireNoneOrNext(directory, segments, i, head);
            return head;
        }
        requireNoneOrNext(directory, segments, -1, new Head(0, AuditLine.GENESIS));
        return new Head(0, AuditLine.GENESIS);
    }

    /**
     * The segments after the one at {@code holding}, which holds the last record, {@code head}: only the
     * newest may follow it, holding no whole record yet and named for the next one (a crash can leave
     * the segment the writer had just made so). Any other would have the next record written into a
     * segment named for another.
     */
    private static void requireNoneOrNext(Path directory, List<Path> segments, int holding, Head head) throws IOException {
        int after = segments.size() - 1 - holding;
        Path next = after == 0 ? null : segments.get(holding + 1);
        if (after > 1 || after == 1 && firstSeq(next) != head.seq() + 1) {
            throw new IOException("its segment " + next.getFileName() + " holds no record" + (after > 1
                    ? ", though a newer one follows it"
                    : " and is named for record " + firstSeq(next) + ", but the next record is " + (head.seq() + 1))
                    + "; see codd audit verify " + directory);
        }
    }

    /** The number of the first record in {@code segment}, -1 when its first line is no intact record. */
    private static long firstRecord(Path segment) throws IOException {
        try (SegmentLines lines = new SegmentLines(List.of(segment))) {
            SegmentLines.Line first = lines.next();
            return first == null ? -1 : AuditLine.parse(first.text()).filter(AuditLine.Parsed::intact)
                    .map(parsed -> parsed.line().seq()).orElse(-1L);
        }
    }

    /**
     * The last line of a segment that ends with a newline, read from the end and then, with {@code sync},
     * synced, so that it is on disk. Bytes after it are a record being written, which only the {@code newest} segment
     * can end with: an older one was synced and closed before the next began. Bytes that are not
     * UTF-8 become U+FFFD, and the record then no longer hashes right.
     */
    private static Optional<String> lastLine(Path segment, boolean newest, boolean sync) throws IOException {
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
            long whole = wholeLinesEnd(file, segment);
            if (whole < file.size() && !newest) {
                throw new IOException("its segment " + segment.getFileName() + " ends inside a record, and a newer one "
                        + "follows it; see codd audit verify");
            }
            long end = whole - 1; // where the last newline is
            if (end < 0) {
                return Optional.empty();
            }
            long start = lineStart(file, end);
            if (end - start > AuditLine.MAX_LINE_BYTES) {
                throw new IOException("its last line (" + segment.getFileName() + ") is over " + AuditLine.MAX_LINE_BYTES
                        + " bytes long, which no record is; see codd audit verify");
            }
            ByteBuffer line = ByteBuffer.allocate((int) (end - start));
            readFully(file, line, start);
            if (sync) {
                file.force(false); // a record its writer has not synced yet could still be lost with the machine
            }
            return Optional.of(new String(line.array(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Where the line that ends at {@code end} starts: just past the newline before it, or at 0. It
     * reads back in chunks, and stops once it is more than {@link AuditLine#MAX_LINE_BYTES} back, as
     * no record is that long.
     */
    private static long lineStart(FileChannel file, long end) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long start = end;
        while (start > 0 && end - start <= AuditLine.MAX_LINE_BYTES) {
            long from = Math.max(0, start - chunk.capacity());
            chunk.clear().limit((int) (start - from));
            readFully(file, chunk, from);
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            start = from;
        }
        return start;
    }

    private static void readFully(FileChannel file, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (file.read(into, position + into.position()) < 0) {
                throw new IOException("the file ended while it was read");
            }
        }
    }
}
