package dev.codd.node.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lines of a log's segments, oldest first, one at a time; a line is what ends at a newline, or
 * at the end. No more than a record's worth of a line is read before it is handed out: a damaged
 * file may have no newline for gigabytes, and whoever reads it must still be able to say so at once.
 */
final class SegmentLines implements AutoCloseable {
    /**
     * A segment: its file's name, the sequence number its name gives its first record, and whether
     * it is the newest, the only one a writer may be adding to.
     */
    record Segment(String name, long firstSeq, boolean newest) {}

    /**
     * Line {@code number} of {@code segment}. Its {@code text} is empty when it is longer than any
     * record ({@link #overLong}), and then it is handed out as soon as that is known: what is left of it
     * is passed over only if the next line is asked for. Bytes that are not UTF-8 become U+FFFD, which no
     * longer hashes as the record did.
     *
     * @param complete whether a newline ends it
     */
    record Line(Segment segment, long number, String text, boolean complete, boolean overLong) {
        String where() {
            return segment.name() + " line " + number;
        }
    }

    private final List<Path> segments;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private int next;
    private Segment segment;
    private InputStream in;
    private long lineNumber;
    /** Whether the line handed out last was over long and not read to its end. */
    private boolean skipping;

    SegmentLines(List<Path> segments) {
        this.segments = segments;
    }

    /** The next line, or null after the last. */
    Line next() throws IOException {
        while (true) {
            if (in == null) {
                if (next == segments.size()) {
                    return null;
                }
                Path path = segments.get(next++);
                segment = new Segment(path.getFileName().toString(), AuditLog.firstSeq(path), next == segments.size());
                in = Files.newInputStream(path);
                lineNumber = 0;
                position = limit = 0;
                skipping = false;
            }
            if (skipping && !skipToNewline()) {
                close();
                continue;
            }
            skipping = false;
            line.reset();
            boolean ended = false; // by a newline
            while (!ended && line.size() <= AuditLine.MAX_LINE_BYTES) {
                if (!fill()) {
                    break;
                }
                int start = position;
                int end = (int) Math.min(limit, start + (AuditLine.MAX_LINE_BYTES + 1L - line.size()));
                while (position < end && buffer[position] != '\n') {
                    position++;
                }
                line.write(buffer, start, position - start);
                if (position < end) { // stopped at the newline, not at the end of what was read or of what a record may be
                    position++;
                    ended = true;
                }
            }
            if (!ended && line.size() == 0) { // the segment ends with a newline, as it should
                close();
                continue;
            }
            lineNumber++;
            if (line.size() > AuditLine.MAX_LINE_BYTES) {
                skipping = true;
                return new Line(segment, lineNumber, "", false, true);
            }
            return new Line(segment, lineNumber, line.toString(StandardCharsets.UTF_8), ended, false);
        }
    }

    /** Whether there are bytes to read in the buffer, reading more if need be. */
    private boolean fill() throws IOException {
        if (position == limit) {
            limit = Math.max(in.read(buffer), 0);
            position = 0;
        }
        return limit > 0;
    }

    /** Passes over the rest of an over-long line; false when the segment ends first. */
    private boolean skipToNewline() throws IOException {
        while (fill()) {
            while (position < limit) {
                if (buffer[position++] == '\n') {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }
}
