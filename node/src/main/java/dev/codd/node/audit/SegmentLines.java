package dev.codd.node.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * The lines of a log's segments, oldest first, one at a time; a line is what ends at a newline, or
 * at the end. No more than a record's worth of a line is held: a damaged file may have no newline
 * for gigabytes, and whoever reads it must still be able to say so.
 */
final class SegmentLines implements AutoCloseable {
    /**
     * A line of a segment, with the sequence number the segment's name says it starts at; its
     * {@code text} is empty when it has more {@code bytes} than any record
     * ({@link AuditLine#MAX_LINE_BYTES}). Bytes that are not UTF-8 become U+FFFD, which no longer
     * hashes as the record did.
     */
    record Line(String where, String text, long bytes, boolean complete, long segmentFirstSeq) {}

    private final Iterator<Path> segments;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    /** The segment being read: its file's name, and the sequence number its name gives its first record. */
    private String name;
    private long firstSeq;
    private InputStream in;
    private long lineNumber;

    SegmentLines(List<Path> segments) {
        this.segments = segments.iterator();
    }

    /** The next line, or null after the last. */
    Line next() throws IOException {
        while (true) {
            if (in == null) {
                if (!segments.hasNext()) {
                    return null;
                }
                Path segment = segments.next();
                name = segment.getFileName().toString();
                firstSeq = AuditLog.firstSeq(segment);
                in = Files.newInputStream(segment);
                lineNumber = 0;
                position = limit = 0;
            }
            line.reset();
            long bytes = 0;
            boolean ended = false; // by a newline
            while (!ended) {
                if (position == limit) {
                    limit = Math.max(in.read(buffer), 0);
                    position = 0;
                    if (limit == 0) {
                        break;
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                bytes += position - start;
                if (bytes <= AuditLine.MAX_LINE_BYTES) {
                    line.write(buffer, start, position - start);
                } else {
                    line.reset(); // too long for a record: only its length is told
                }
                if (position < limit) {
                    position++; // past the newline
                    ended = true;
                }
            }
            if (!ended && bytes == 0) { // the segment ends with a newline, as it should
                close();
                continue;
            }
            lineNumber++;
            return new Line(name + " line " + lineNumber, line.toString(StandardCharsets.UTF_8), bytes, ended, firstSeq);
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }
}
