package dev.codd.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLinesTest {
    @TempDir Path dir;

    private static byte[] longLine() {
        byte[] line = new byte[AuditLine.MAX_LINE_BYTES + 100_000]; // over the cap, across several reads
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        return line;
    }

    @Test
    void aLineLongerThanAnyRecordIsHandedOutAsSuchAndTheLinesAfterItReadOn() throws Exception {
        Path first = dir.resolve(AuditLog.segmentName(1));
        Path second = dir.resolve(AuditLog.segmentName(3));
        Files.write(first, "one\n".getBytes(StandardCharsets.UTF_8));
        Files.write(first, longLine(), StandardOpenOption.APPEND);
        Files.write(second, "three\nfour cut".getBytes(StandardCharsets.UTF_8));
        SegmentLines.Segment older = new SegmentLines.Segment("audit-0000000001.jsonl", 1, false);
        SegmentLines.Segment newest = new SegmentLines.Segment("audit-0000000003.jsonl", 3, true);
        try (SegmentLines lines = new SegmentLines(List.of(first, second))) {
            assertEquals(new SegmentLines.Line(older, 1, "one", true, false), lines.next());
            assertEquals(new SegmentLines.Line(older, 2, "", false, true), lines.next());
            assertEquals(new SegmentLines.Line(newest, 1, "three", true, false), lines.next());
            assertEquals(new SegmentLines.Line(newest, 2, "four cut", false, false), lines.next());
            assertNull(lines.next());
        }
    }

    @Test
    void aLineOfExactlyTheLimitIsALineAndOneByteMoreIsOverLongWithoutSwallowingTheNext() throws Exception {
        Path segment = dir.resolve(AuditLog.segmentName(1));
        byte[] atLimit = new byte[AuditLine.MAX_LINE_BYTES];
        Arrays.fill(atLimit, (byte) 'x');
        byte[] overLimit = new byte[AuditLine.MAX_LINE_BYTES + 1];
        Arrays.fill(overLimit, (byte) 'y');
        Files.write(segment, atLimit);
        Files.write(segment, "\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        Files.write(segment, overLimit, StandardOpenOption.APPEND);
        Files.write(segment, "\nnext\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (SegmentLines lines = new SegmentLines(List.of(segment))) {
            SegmentLines.Line line = lines.next();
            assertEquals(AuditLine.MAX_LINE_BYTES, line.text().length());
            assertEquals(List.of(true, false), List.of(line.complete(), line.overLong()));
            SegmentLines.Line over = lines.next();
            assertEquals(List.of(2L, true), List.of(over.number(), over.overLong()));
            SegmentLines.Line next = lines.next();
            assertEquals(List.of(3L, "next", true), List.of(next.number(), next.text(), next.complete()));
            assertNull(lines.next());
        }
    }

    @Test
    void aLineLongerThanAnyRecordIsHandedOutWithoutWaitingForItsEnd() throws Exception {
        Path pipe = dir.resolve(AuditLog.segmentName(1)); // a writer that never ends the line, nor the file
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor());
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(pipe)) {
                out.write(new byte[AuditLine.MAX_LINE_BYTES + 1]);
                out.flush();
                Thread.sleep(60_000);
            } catch (Exception e) {
                // interrupted once the line was read, or the reader gave up
            }
        });
        writer.start();
        try (SegmentLines lines = new SegmentLines(List.of(pipe))) {
            SegmentLines.Line line = assertTimeoutPreemptively(Duration.ofSeconds(20), lines::next);
            assertEquals(List.of(1L, true), List.of(line.number(), line.overLong()));
        } finally {
            writer.interrupt();
            writer.join();
        }
    }

    @Test
    void theOwnerOfALogIsFoundPastALineLongerThanAnyRecord() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        AuditLog.open(other, SignedHeads.nodeOwner("site-a"), AuditLog.DEFAULT_SEGMENT_BYTES, Map.of()).close();
        Path log = Files.createDirectories(dir.resolve("log"));
        Path segment = log.resolve(AuditLog.segmentName(1));
        Files.write(segment, longLine());
        Files.write(segment, Files.readAllBytes(AuditLog.segments(other).get(0)), StandardOpenOption.APPEND);
        assertEquals(Optional.of("site-a"), SignedHeads.owner(log).flatMap(SignedHeads.Owner::node));
    }
}
