package dev.codd.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    void aLineLongerThanAnyRecordIsToldByItsLengthAndTheLinesAfterItReadOn() throws Exception {
        Path first = dir.resolve(AuditLog.segmentName(1));
        Path second = dir.resolve(AuditLog.segmentName(3));
        Files.write(first, "one\n".getBytes(StandardCharsets.UTF_8));
        Files.write(first, longLine(), StandardOpenOption.APPEND);
        Files.write(second, "three\nfour cut".getBytes(StandardCharsets.UTF_8));
        try (SegmentLines lines = new SegmentLines(List.of(first, second))) {
            assertEquals(new SegmentLines.Line("audit-0000000001.jsonl line 1", "one", 3, true, 1), lines.next());
            assertEquals(new SegmentLines.Line("audit-0000000001.jsonl line 2", "", AuditLine.MAX_LINE_BYTES + 99_999, true, 1),
                    lines.next());
            assertEquals(new SegmentLines.Line("audit-0000000003.jsonl line 1", "three", 5, true, 3), lines.next());
            assertEquals(new SegmentLines.Line("audit-0000000003.jsonl line 2", "four cut", 8, false, 3), lines.next());
            assertNull(lines.next());
        }
    }

    @Test
    void theOwnerOfALogIsFoundPastALineLongerThanAnyRecord() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        AuditLog.open(other, SignedHeads.NODE_OWNER + "site-a", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of()).close();
        Path log = Files.createDirectories(dir.resolve("log"));
        Path segment = log.resolve(AuditLog.segmentName(1));
        Files.write(segment, longLine());
        Files.write(segment, Files.readAllBytes(AuditLog.segments(other).get(0)), StandardOpenOption.APPEND);
        assertEquals(Optional.of("site-a"), SignedHeads.ownerNode(log));
    }
}
