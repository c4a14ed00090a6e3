package dev.codd.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditVerifier.Problem;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir Path dir;

    private AuditLog open(long segmentBytes) {
        return AuditLog.open(dir, "test", segmentBytes, Map.of());
    }

    /** Writes n query records (after the log's own opening record: record 1). */
    private AuditLog withRecords(int n, long segmentBytes) {
        AuditLog log = open(segmentBytes);
        for (int i = 0; i < n; i++) {
            log.appendDurably("query.finished", Map.of("query", "q" + i, "rows", i));
        }
        return log;
    }

    private List<String> lines() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Path segment : AuditLog.segments(dir)) {
            lines.addAll(Files.readAllLines(segment, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private void rewrite(List<String> lines) throws Exception {
        assertEquals(1, AuditLog.segments(dir).size());
        Files.writeString(AuditLog.segments(dir).get(0), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private AuditVerifier.Finding problem() throws Exception {
        AuditVerifier.Report report = AuditVerifier.verify(dir);
        assertFalse(report.ok(), "the damage went unnoticed");
        return report.problem().orElseThrow();
    }

    /** With small segments, writers open the next one while callers and the flusher sync the last. */
    @ParameterizedTest
    @ValueSource(longs = {AuditLog.DEFAULT_SEGMENT_BYTES, 1_000})
    void recordsFromManyThreadsFormOneChain(long segmentBytes) throws Exception {
        try (AuditLog log = open(segmentBytes)) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                done.add(CompletableFuture.runAsync(() -> {
                    if (n % 2 == 0) {
                        log.append("query.ended", Map.of("n", n));
                    } else {
                        log.awaitDisk(log.appendUrgently("query.planned", Map.of("n", n)));
                    }
                }, threads));
            }
            done.forEach(CompletableFuture::join);
            threads.shutdown();
            assertEquals(401, log.head().seq());
        }
        AuditVerifier.Report report = AuditVerifier.verify(dir);
        assertTrue(report.ok(), report.toString());
        assertEquals(401, report.records());
    }

    @Test
    void anyValueARecordHoldsReadsBackAsWritten() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sql", "SELECT 'a\"b' AS \"x\\y\"\n\tFROM t -- \u0001 é ✓");
        data.put("edges", List.of("", "\"", "\\starts", "ends\n", "\u001f", "plain")); // escapes at either end, or all
        data.put("rows", 42L);
        data.put("ok", true);
        data.put("none", null);
        data.put("ratio", 0.25);
        data.put("problem", Problem.EDITED);
        data.put("nodes", List.of(Map.of("node", "n1", "bytes", 7), List.of()));
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            log.appendDurably("query.ended", data);
        }
        String line = lines().get(1);
        AuditLine record = AuditLine.parse(line).filter(AuditLine.Parsed::intact).orElseThrow().line();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(json.writeValueAsString(data), json.writeValueAsString(record.data())); // as Jackson writes it
        assertTrue(record.time().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), record.time());
        java.time.Instant.parse(record.time());
    }

    @Test
    void aRecordItsCallerCannotDoWithoutFailsTheCallerWhenTheLogIsClosed() {
        AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES);
        AuditLog.Head written = log.appendOrFail("fragment.started", Map.of("n", 1));
        assertEquals(log.head(), written);
        log.close();
        CoddException refused = assertThrows(CoddException.class, () -> log.appendOrFail("fragment.started", Map.of("n", 2)));
        assertEquals(ErrorCode.DATA_ERROR, refused.errorCode());
        log.append("fragment.ended", Map.of("n", 2)); // a record of what happened already only says it was lost
        assertEquals(written, log.head());
    }

    @Test
    void recordsWaitedForTogetherShareOneSync() {
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            long before = log.syncs();
            List<AuditLog.Head> appended = new ArrayList<>();
            for (int i = 0; i < 100; i++) { // as 100 queries under way at once, each to wait before its first row
                appended.add(log.appendUrgently("query.planned", Map.of("n", i)));
            }
            appended.forEach(log::awaitDisk);
            // the first was alone and synced at once; the rest by the first wait that needed them (and
            // perhaps the flusher's timer): not one fsync each
            assertTrue(log.syncs() - before <= 10, (log.syncs() - before) + " syncs for 100 records");
        }
    }

    @Test
    void manyCallersAtOnceEachGoOnOnlyOnceTheirRecordIsOnDiskEvenWhenSomeAreCancelled() throws Exception {
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            ExecutorService threads = Executors.newFixedThreadPool(16);
            List<Thread> running = new CopyOnWriteArrayList<>();
            AtomicInteger cancelled = new AtomicInteger();
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                callers.add(CompletableFuture.runAsync(() -> {
                    running.add(Thread.currentThread());
                    for (int n = 0; n < 300; n++) {
                        AuditLog.Head appended = log.appendUrgently("fragment.started", Map.of("n", n));
                        try {
                            log.awaitDisk(appended);
                            assertTrue(log.durable().seq() >= appended.seq(), "went on before its record was on disk");
                        } catch (CoddException e) { // cancelled while it waited, as a query can be
                            assertEquals(ErrorCode.QUERY_CANCELLED, e.errorCode());
                            assertTrue(Thread.interrupted());
                            cancelled.incrementAndGet();
                        }
                    }
                    running.remove(Thread.currentThread());
                }, threads));
            }
            // cancelling callers at random, whichever turn each waits for, leaves the others theirs
            CompletableFuture<Void> all = CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new));
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                Random random = new Random(7);
                while (!all.isDone()) {
                    List<Thread> now = List.copyOf(running);
                    if (!now.isEmpty()) {
                        now.get(random.nextInt(now.size())).interrupt();
                    }
                    Thread.sleep(1);
                }
                all.join();
            });
            threads.shutdown();
            assertTrue(cancelled.get() > 0, "no wait was cancelled: the test did not test that");
        }
        assertTrue(AuditVerifier.verify(dir).ok());
    }

    @ParameterizedTest
    @ValueSource(longs = {AuditLog.DEFAULT_SEGMENT_BYTES, 3_000}) // the small one rotates under the callers
    void closingWhileCallersWaitEndsEveryWait(long segmentBytes) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        for (int round = 0; round < 20; round++) { // who waits for which fsync when it closes differs from round to round
            Path directory = dir.resolve("round-" + round);
            AuditLog log = AuditLog.open(directory, "test", segmentBytes, Map.of());
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                callers.add(CompletableFuture.runAsync(() -> {
                    try {
                        while (true) {
                            log.awaitDisk(log.appendUrgently("query.planned", Map.of("query", "q")));
                        }
                    } catch (CoddException closed) {
                        // the log was closed under it: what a caller sees then
                    }
                }, threads));
            }
            Thread.sleep(10 + round);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                log.close();
                callers.forEach(CompletableFuture::join);
            });
            assertTrue(AuditVerifier.verify(directory).ok(), "every record written whole");
        }
        threads.shutdown();
    }

    @Test
    void aLoneRecordToBeWaitedForIsSyncedBeforeTheWaitAndOthersWithinTheInterval() throws Exception {
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            long before = log.syncs();
            log.appendUrgently("query.planned", Map.of("query", "q1"));
            awaitSyncs(log, before + 1); // the flusher syncs it while its query goes on
            log.append("query.ended", Map.of("query", "q1"));
            awaitSyncs(log, before + 2); // nobody waits for this one: it is synced on the flusher's timer
        }
    }

    @Test
    void aLogWhoseFlusherStoppedFailsRatherThanHangs() throws Exception {
        Path directory = dir.resolve("flusher-stops");
        try (AuditLog log = AuditLog.open(directory, "test", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            Thread flusher = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals("codd-audit-flusher-stops")).findFirst().orElseThrow();
            flusher.interrupt(); // only the flusher syncs: without it, a wait for the disk would never end
            flusher.join(10_000);
            CoddException failed = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(CoddException.class, () -> log.appendDurably("query.planned", Map.of("query", "q"))));
            assertEquals(ErrorCode.DATA_ERROR, failed.errorCode());
            assertTrue(failed.getMessage().contains("its flusher thread stopped"), failed.getMessage());
        }
        assertTrue(AuditVerifier.verify(directory).ok(), "what was written is whole");
    }

    private static void awaitSyncs(AuditLog log, long syncs) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (log.syncs() < syncs) {
            assertTrue(System.nanoTime() < deadline, "no sync came");
            Thread.sleep(5);
        }
    }

    @Test
    void aCancelledQueryThatOpensTheNextSegmentKeepsItsInterruptAndTheLogWhole() throws Exception {
        try (AuditLog log = open(1_000)) {
            Thread.currentThread().interrupt(); // as a cancelled query's thread is
            for (int i = 0; i < 20; i++) {
                log.append("fragment.ended", Map.of("query", "q" + i, "status", "CANCELLED"));
            }
            assertTrue(Thread.interrupted(), "the interrupt is the caller's to see");
            log.appendDurably("query.ended", Map.of("query", "after"));
            assertEquals(22, log.head().seq());
        }
        assertTrue(AuditLog.segments(dir).size() > 2);
        AuditVerifier.Report report = AuditVerifier.verify(dir);
        assertTrue(report.ok(), report.toString());
        assertEquals(22, report.records());
    }

    @Test
    void aSecondWriterInTheSameProcessIsRefusedAndTheFirstKeepsItsLock() throws Exception {
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            assertTrue(lockedByThisProcess(dir.resolve(".lock")));
            CoddException second = assertThrows(CoddException.class, () -> open(AuditLog.DEFAULT_SEGMENT_BYTES));
            assertEquals(ErrorCode.DATA_ERROR, second.errorCode());
            assertTrue(second.getMessage().contains("this process writes it already"), second.getMessage());
            // closing a second channel on the file would have dropped the lock for the whole process
            assertTrue(lockedByThisProcess(dir.resolve(".lock")), "another process could now write the log too");
            log.appendDurably("query.ended", Map.of("query", "q"));
        }
        assertFalse(lockedByThisProcess(dir.resolve(".lock")));
        open(AuditLog.DEFAULT_SEGMENT_BYTES).close(); // closed, it is free to open again
    }

    /** Whether this process holds a lock on {@code file}, as the kernel lists locks (Linux). */
    private static boolean lockedByThisProcess(Path file) throws Exception {
        String inode = ":" + Files.getAttribute(file, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        // e.g. "1: POSIX  ADVISORY  WRITE 3568 fd:00:2531452 0 EOF"
        return Files.readAllLines(Path.of("/proc/locks")).stream().map(line -> line.trim().split("\\s+"))
                .anyMatch(fields -> fields.length >= 6 && fields[4].equals(pid) && fields[5].endsWith(inode));
    }

    @Test
    void theChainRunsOnAcrossSegmentsRestartsAndArchiving() throws Exception {
        try (AuditLog log = withRecords(50, 2_000)) {
            assertEquals(51, log.head().seq());
        }
        try (AuditLog log = open(2_000)) {
            log.appendDurably("query.finished", Map.of("query", "after restart"));
            assertEquals(53, log.head().seq(), "reopening records itself, then goes on");
        }
        List<Path> segments = AuditLog.segments(dir);
        assertTrue(segments.size() > 3, segments.toString());
        assertTrue(AuditVerifier.verify(dir).ok());

        // archived: the oldest segments moved elsewhere; what is left still verifies, from where it starts
        Path archive = Files.createDirectories(dir.resolve("archive"));
        Files.move(segments.get(0), archive.resolve(segments.get(0).getFileName()));
        Files.move(segments.get(1), archive.resolve(segments.get(1).getFileName()));
        AuditVerifier.Report rest = AuditVerifier.verify(dir);
        assertTrue(rest.ok(), rest.toString());
        assertTrue(rest.firstSeq() > 1);
        assertTrue(AuditVerifier.verify(archive).ok(), "an archived segment verifies on its own");
    }

    @Test
    void eachNewSegmentStartsWithACheckpointOfWhatItsOwnerCarriesAndTheChainRunsOnThroughIt() throws Exception {
        int[] given = {0};
        try (AuditLog log = AuditLog.open(dir, "test", 1_000, Map.of(), () -> Map.of("carried", ++given[0]))) {
            for (int i = 0; i < 20; i++) {
                log.append("query.finished", Map.of("query", "q" + i, "pad", "x".repeat(100)));
            }
        }
        List<Path> segments = AuditLog.segments(dir);
        assertTrue(segments.size() > 2, segments.toString());
        assertEquals(segments.size() - 1, given[0], "asked once for each new segment");
        for (int i = 1; i < segments.size(); i++) {
            String first = Files.readAllLines(segments.get(i)).get(0);
            assertTrue(first.contains("\"type\":\"audit.checkpoint\",\"data\":{\"carried\":" + i + "}"), first);
        }
        AuditVerifier.Report report = AuditVerifier.verify(dir);
        assertTrue(report.ok(), report.toString());
        assertEquals(1 + 20 + given[0], report.lastSeq());
    }

    @Test
    @Timeout(10) // without the guard, each record would open a segment for ever
    void aCheckpointLargerThanASegmentStillLetsEveryRecordIn() throws Exception {
        try (AuditLog log = AuditLog.open(dir, "test", 1_000, Map.of(), () -> Map.of("carried", "y".repeat(2_000)))) {
            for (int i = 0; i < 3; i++) {
                log.appendDurably("query.finished", Map.of("query", "q" + i, "pad", "x".repeat(600)));
            }
        }
        List<Path> segments = AuditLog.segments(dir);
        for (Path later : segments.subList(1, segments.size())) {
            List<String> lines = Files.readAllLines(later);
            assertEquals(2, lines.size(), "a checkpoint and one record");
            assertTrue(lines.get(0).contains("audit.checkpoint") && lines.get(1).contains("query.finished"));
        }
        assertEquals(3, lines().stream().filter(line -> line.contains("query.finished")).count());
        assertTrue(AuditVerifier.verify(dir).ok());
    }

    @Test
    void aRecordCutByACrashIsDroppedAndNothingElse() throws Exception {
        withRecords(5, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        Path segment = AuditLog.segments(dir).get(0);
        Files.writeString(segment, "{\"seq\":7,\"time\":\"2026-", StandardOpenOption.APPEND);
        assertEquals(Problem.TRUNCATED, problem().problem());
        assertEquals(7, problem().seq());
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(7, log.head().seq(), "records 1-6 kept, the cut one dropped, the reopening recorded");
        }
        assertTrue(AuditVerifier.verify(dir).ok());
        assertTrue(lines().get(6).contains("\"droppedPartialRecordBytes\":22"), lines().get(6));
    }

    @Test
    void anEditedFieldIsFoundAtItsRecord() throws Exception {
        withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        List<String> lines = lines();
        lines.set(4, lines.get(4).replace("\"rows\":3", "\"rows\":30"));
        rewrite(lines);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 5, problem().message()), problem());
    }

    @Test
    void aDeletedRecordIsFoundMissing() throws Exception {
        withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        List<String> lines = lines();
        lines.remove(6);
        rewrite(lines);
        assertEquals(Problem.MISSING, problem().problem());
        assertEquals(7, problem().seq());
    }

    @Test
    void recordsCutFromTheStartDoNotPassForArchived() throws Exception {
        withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        rewrite(lines().subList(3, 10));
        assertEquals(new AuditVerifier.Finding(Problem.MISSING, 1, "segment audit-0000000001.jsonl is named for record "
                + "1 but starts with record 4: records 1 to 3 were removed"), problem());

        Path renamed = dir.resolve(AuditLog.segmentName(4)); // named as if records 1 to 3 were archived
        Files.move(AuditLog.segments(dir).get(0), renamed);
        assertTrue(AuditVerifier.verify(dir).ok(), "archived is what this looks like, and verifies from record 4");
        Files.move(renamed, dir.resolve(AuditLog.segmentName(7)));
        assertEquals(Problem.EDITED, problem().problem());
        assertEquals(7, problem().seq());
    }

    @Test
    void aByteThatIsNotUtf8IsAnEditOfItsRecord() throws Exception {
        withRecords(4, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        Path segment = AuditLog.segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        int lastLine = new String(bytes, StandardCharsets.UTF_8).lastIndexOf("\"type\"");
        bytes[lastLine + 1] = (byte) 0xff; // in record 5, the last
        Files.write(segment, bytes);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 5, problem().message()), problem());
        CoddException refused = assertThrows(CoddException.class, () -> open(AuditLog.DEFAULT_SEGMENT_BYTES));
        assertTrue(refused.getMessage().contains("its last record (audit-0000000001.jsonl) is damaged; see codd audit verify"),
                refused.getMessage());
    }

    @Test
    void aRecordOverTheLimitIsWrittenWithItsLargestPartsElidedAndFailsWhatItRecords() throws Exception {
        String sql = "SELECT '" + "x".repeat(AuditLine.MAX_BODY_BYTES) + "'";
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("query", "q1");
            data.put("user", "ana");
            data.put("sql", sql);
            CoddException refused = assertThrows(CoddException.class, () -> log.appendUrgently("query.accepted", data));
            assertEquals(ErrorCode.PROGRAM_LIMIT_EXCEEDED, refused.errorCode());
            assertEquals("54000", refused.errorCode().sqlState());
            assertTrue(refused.getMessage().contains("over the audit log's limit of 8 MiB"), refused.getMessage());
            assertThrows(CoddException.class, () -> log.appendOrFail("query.accepted", data));
            log.append("query.ended", data); // what already happened is recorded, elided, and nobody fails
            log.appendDurably("query.ended", Map.of("query", "q2"));
        }
        List<String> lines = lines();
        assertEquals(5, lines.size(), "opened, three elided records, one whole");
        String sha256 = AuditLine.sha256("\"" + sql + "\"");
        for (String line : lines.subList(1, 4)) {
            assertTrue(line.contains("\"data\":{\"query\":\"q1\",\"user\":\"ana\",\"sql\":{\"elided\":{\"bytes\":"
                    + (sql.length() + 2) + ",\"sha256\":\"" + sha256 + "\"}}}"), line);
        }
        assertTrue(AuditVerifier.verify(dir).ok(), "elided records chain as any other");
        try (AuditLog reopened = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(6, reopened.head().seq());
        }
    }

    @Test
    void aRecordOfSoManyPartsThatEvenElidedTheyDoNotFitHasItsDataElidedWhole() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            data.put("part" + i, "y".repeat(200));
        }
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            log.append("query.ended", data);
        }
        String line = lines().get(1);
        assertTrue(line.matches(".*\"data\":\\{\"elided\":\\{\"bytes\":\\d+,\"sha256\":\"[0-9a-f]{64}\"}}.*"), line);
        assertTrue(AuditVerifier.verify(dir).ok());
    }

    @Test
    void aLongRecordCutByACrashIsDroppedWhole() throws Exception {
        withRecords(2, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        Path segment = AuditLog.segments(dir).get(0);
        Files.writeString(segment, "{\"seq\":4,\"sql\":\"" + "z".repeat(20_000), StandardOpenOption.APPEND);
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(4, log.head().seq(), "records 1-3 kept, the cut one dropped, the reopening recorded");
        }
        assertTrue(lines().get(3).contains("\"droppedPartialRecordBytes\":20016"), lines().get(3));
        assertTrue(AuditVerifier.verify(dir).ok());
    }

    @Test
    void theLastRecordIsReadFromTheEndPassingOverOneBeingWritten() throws Exception {
        AuditLog.Head written;
        try (AuditLog log = withRecords(30, 1_000)) { // several segments
            written = log.head();
            assertEquals(written, AuditLog.lastRecord(dir), "read while the log is open");
        }
        List<Path> segments = AuditLog.segments(dir);
        Path newest = segments.get(segments.size() - 1);
        String whole = Files.readString(newest);
        Files.writeString(newest, "{\"seq\":" + (written.seq() + 1) + ",\"type\":\"query.acc", StandardOpenOption.APPEND);
        assertEquals(written, AuditLog.lastRecord(dir), "a record not written whole yet is passed over");

        // only the newest segment can end inside a record: the writer closes one before it begins the next
        Path next = Files.createFile(dir.resolve(AuditLog.segmentName(written.seq() + 1)));
        IOException cut = assertThrows(IOException.class, () -> AuditLog.lastRecord(dir));
        assertTrue(cut.getMessage().contains("ends inside a record, and a newer one follows it"), cut.getMessage());
        assertThrows(CoddException.class, () -> open(1_000));

        Files.writeString(newest, whole); // a segment just begun, with no record yet: the head is the one before's
        assertEquals(written, AuditLog.lastRecord(dir));
        Files.delete(next);

        Files.writeString(newest, whole.replace("\"rows\":29", "\"rows\":30"));
        IOException damaged = assertThrows(IOException.class, () -> AuditLog.lastRecord(dir));
        assertTrue(damaged.getMessage().contains("is damaged; see codd audit verify"), damaged.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("it holds no segment (audit-*.jsonl)",
                assertThrows(IOException.class, () -> AuditLog.lastRecord(empty)).getMessage());
        Files.createFile(empty.resolve(AuditLog.segmentName(1)));
        assertEquals("it holds no record", assertThrows(IOException.class, () -> AuditLog.lastRecord(empty)).getMessage());
    }

    @Test
    void aHeadIsKeptAsSeqColonHash() {
        AuditLog.Head head = new AuditLog.Head(42, "ab".repeat(32));
        assertEquals("42:" + "ab".repeat(32), head.text());
        assertEquals(Optional.of(head), AuditLog.Head.parse(" 42:" + "AB".repeat(32) + "\n"));
        for (String bad : List.of("42", "42:", "0:" + "ab".repeat(32), "-1:" + "ab".repeat(32), "42:" + "ab".repeat(31),
                "42:" + "zz".repeat(32), "1234567890123456789:" + "ab".repeat(32))) {
            assertEquals(Optional.empty(), AuditLog.Head.parse(bad), bad);
        }
    }

    @Test
    void headsKeptOutsideTheLogCatchItCutOrRewrittenWhole() throws Exception {
        AuditVerifier.Witness first;
        AuditVerifier.Witness later;
        try (AuditLog log = withRecords(5, AuditLog.DEFAULT_SEGMENT_BYTES)) {
            first = new AuditVerifier.Witness(log.head().seq(), log.head().hash(), "it was kept first");
        }
        try (AuditLog log = withRecords(3, AuditLog.DEFAULT_SEGMENT_BYTES)) { // the log goes on: it still holds the head
            later = new AuditVerifier.Witness(log.head().seq(), log.head().hash(), "it was kept later");
        }
        assertEquals(List.of(6L, 10L), List.of(first.seq(), later.seq()));
        List<AuditVerifier.Witness> witnesses = List.of(later, first); // in any order: the first problem is reported
        assertTrue(AuditVerifier.verify(dir, witnesses).ok());

        List<String> lines = lines();
        rewrite(lines.subList(0, 4));
        assertEquals(new AuditVerifier.Finding(Problem.TRUNCATED, 5, "the log ends at record 4, but record 10 was in it "
                + "when it was kept later: records 5 to 10 were removed"), AuditVerifier.verify(dir, witnesses).problem()
                .orElseThrow());

        Files.delete(AuditLog.segments(dir).get(0));
        try (AuditLog log = open(AuditLog.DEFAULT_SEGMENT_BYTES)) { // a whole new log, as long as the old one
            for (int i = 0; i < 9; i++) {
                log.appendDurably("query.finished", Map.of("query", "forged " + i));
            }
        }
        assertTrue(AuditVerifier.verify(dir).ok(), "the chain alone cannot tell");
        assertEquals(new AuditVerifier.Finding(Problem.REWRITTEN, 6, "record 6 is not the one there when it was kept "
                + "first: the log was rewritten"), AuditVerifier.verify(dir, witnesses).problem().orElseThrow());
    }

    @Test
    void aLineLongerThanAnyRecordIsReportedWithoutBeingReadWhole() throws Exception {
        withRecords(3, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        Path segment = AuditLog.segments(dir).get(0);
        byte[] garbage = new byte[AuditLine.MAX_LINE_BYTES + 10];
        Arrays.fill(garbage, (byte) 'x');
        garbage[garbage.length - 1] = '\n';
        Files.write(segment, garbage, StandardOpenOption.APPEND);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 5, "record 5 (audit-0000000001.jsonl line 5) is over "
                + AuditLine.MAX_LINE_BYTES + " bytes long, which no record is"), problem());
        CoddException refused = assertThrows(CoddException.class, () -> open(AuditLog.DEFAULT_SEGMENT_BYTES));
        assertTrue(refused.getMessage().contains("which no record is; see codd audit verify"), refused.getMessage());

        Files.write(segment, Arrays.copyOf(garbage, garbage.length - 1)); // and with no newline at all
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 1, "record 1 (audit-0000000001.jsonl line 1) is over "
                + AuditLine.MAX_LINE_BYTES + " bytes long, which no record is"), problem());
        IOException unread = assertThrows(IOException.class, () -> AuditLog.lastRecord(dir));
        assertTrue(unread.getMessage().contains("has no newline and is over " + AuditLine.MAX_LINE_BYTES + " bytes long"),
                unread.getMessage());
        refused = assertThrows(CoddException.class, () -> open(AuditLog.DEFAULT_SEGMENT_BYTES));
        assertTrue(refused.getMessage().contains("has no newline and is over " + AuditLine.MAX_LINE_BYTES + " bytes long"),
                refused.getMessage());
        assertEquals(garbage.length - 1, Files.size(segment), "not dropped as a record cut by a crash would be");
    }

    @Test
    void everySegmentMustBeNamedAfterItsFirstRecord() throws Exception {
        withRecords(12, 600).close();
        List<Path> segments = AuditLog.segments(dir);
        assertTrue(segments.size() >= 3, "several segments: " + segments);
        Path later = segments.get(1);
        long named = AuditLog.firstSeq(later);
        Path renamed = dir.resolve(AuditLog.segmentName(named + 1));
        Files.move(later, renamed);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, named + 1, "segment " + renamed.getFileName() + " is named for "
                + "record " + (named + 1) + " but starts with record " + named + ": it was renamed"), problem());
        Files.move(renamed, later);
        Path lower = dir.resolve(AuditLog.segmentName(named - 1)); // renamed below its first record: no record is there twice
        Files.move(later, lower);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, named - 1, "segment " + lower.getFileName() + " is named for "
                + "record " + (named - 1) + " but starts with record " + named + ": it was renamed"), problem());
        Files.move(lower, later);
        assertTrue(AuditVerifier.verify(dir).ok());

        // the last record of the second segment again, in a segment named after it
        List<String> laterLines = Files.readAllLines(later, StandardCharsets.UTF_8);
        assertTrue(laterLines.size() >= 2, "a segment of several records: " + laterLines);
        long copied = named + laterLines.size() - 1;
        Path overlapping = dir.resolve(AuditLog.segmentName(copied));
        Files.write(overlapping, laterLines.subList(laterLines.size() - 1, laterLines.size()), StandardCharsets.UTF_8);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, copied, "segment " + overlapping.getFileName() + " starts "
                + "at record " + copied + ", which an earlier segment holds already: the segments overlap"), problem());
        Files.delete(overlapping);

        Path other = Files.createDirectories(dir.resolve("other"));
        AuditLog.open(other, "test", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of()).close();
        long next = AuditLog.lastRecord(dir).seq() + 1;
        Path foreign = dir.resolve(AuditLog.segmentName(next));
        Files.copy(AuditLog.segments(other).get(0), foreign);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, next, "record " + next + " should be at " + foreign.getFileName()
                + " line 1, which holds a record numbered 1"), problem());
        IOException refused = assertThrows(IOException.class, () -> AuditLog.lastRecord(dir));
        assertTrue(refused.getMessage().contains("is named for record " + next + " but starts with record 1"),
                refused.getMessage());
        Files.delete(foreign);

        // a segment emptied, and a stray empty one: only the newest may be empty, named for the next record
        Path stray = dir.resolve(AuditLog.segmentName(next + 5));
        Files.createFile(stray);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, next + 5, "segment " + stray.getFileName() + " is empty and "
                + "named for record " + (next + 5) + ", where the next segment would be named for record " + next
                + ": it was renamed or put there"), problem());
        String misnamed = "its segment " + stray.getFileName() + " holds no record and is named for record " + (next + 5)
                + ", but the next record is " + next;
        IOException headRefused = assertThrows(IOException.class, () -> AuditLog.lastRecord(dir));
        assertTrue(headRefused.getMessage().startsWith(misnamed), headRefused.getMessage());
        CoddException notOpened = assertThrows(CoddException.class, () -> open(600));
        assertTrue(notOpened.getMessage().contains(misnamed), notOpened.getMessage());
        assertEquals(0, Files.size(stray), "nothing written into it");
        Files.move(stray, dir.resolve(AuditLog.segmentName(next)));
        assertTrue(AuditVerifier.verify(dir).ok(), "as a crash leaves a segment just made");
        Files.write(segments.get(0), new byte[0]);
        assertEquals(new AuditVerifier.Finding(Problem.MISSING, 1, "segment audit-0000000001.jsonl is empty, though a newer one "
                + "follows it: the records from 1 on that it held were removed"), problem());
    }

    @Test
    void aRecordThereTwiceAnEmptyLineCrlfLineEndsOrALineAddedAreNamedAsSuch() throws Exception {
        withRecords(6, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        List<String> lines = lines();
        List<String> twice = new ArrayList<>(lines);
        twice.add(5, lines.get(4));
        rewrite(twice);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 6, "record 5 is there a second time (audit-0000000001.jsonl "
                + "line 6), where record 6 or the end should be"), problem());
        twice = new ArrayList<>(lines);
        twice.add(lines.get(lines.size() - 1));
        rewrite(twice);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, lines.size() + 1, "record " + lines.size() + " is there a "
                + "second time (audit-0000000001.jsonl line " + (lines.size() + 1) + "), where record " + (lines.size() + 1)
                + " or the end should be"), problem());
        List<String> copied = new ArrayList<>(lines); // record 3 in place of record 5: not a repeat, but in the wrong place
        copied.set(4, lines.get(2));
        rewrite(copied);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 5, "record 5 should be at audit-0000000001.jsonl line 5, which "
                + "holds a record numbered 3"), problem());
        List<String> renumbered = new ArrayList<>(lines); // a number changed is a change like any other
        renumbered.set(2, lines.get(2).replace("\"seq\":3,", "\"seq\":1,"));
        rewrite(renumbered);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 3, "record 3 (audit-0000000001.jsonl line 3) was changed: its "
                + "hash does not match its content"), problem());

        rewrite(lines);
        Files.writeString(AuditLog.segments(dir).get(0), "\n", StandardOpenOption.APPEND);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, lines.size() + 1, "audit-0000000001.jsonl line "
                + (lines.size() + 1) + " is empty, where record " + (lines.size() + 1) + " or the end of the segment should be"),
                problem());
        Files.writeString(AuditLog.segments(dir).get(0), String.join("\r\n", lines) + "\r\n");
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 1, "record 1 (audit-0000000001.jsonl line 1) is not a "
                + "record any more: its line ends with a carriage return (CRLF), which no record's does"), problem());
        List<String> added = new ArrayList<>(lines); // what is not a record, after the last one: the records are all there
        added.add("{\"note\":\"checked by ops\"}");
        rewrite(added);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, lines.size() + 1, "audit-0000000001.jsonl line " + (lines.size() + 1)
                + " is not a record, and no record follows it: something else was written where record " + (lines.size() + 1)
                + " or the end of the log should be"), problem());
        List<String> replaced = new ArrayList<>(lines);
        replaced.set(2, "{\"note\":\"checked by ops\"}");
        rewrite(replaced);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 3, "record 3 (audit-0000000001.jsonl line 3) is not a record "
                + "any more"), problem());
    }

    @Test
    void anOlderSegmentEndingInsideARecordIsCutThoughTheLogGoesOn() throws Exception {
        withRecords(12, 600).close();
        Path older = AuditLog.segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(older);
        Files.write(older, Arrays.copyOf(bytes, bytes.length - 5));
        long cut = AuditLog.firstSeq(AuditLog.segments(dir).get(1)) - 1;
        assertEquals(new AuditVerifier.Finding(Problem.TRUNCATED, cut, "segment audit-0000000001.jsonl ends inside record "
                + cut + " (audit-0000000001.jsonl line " + cut + "), though a newer segment follows it: it was cut"), problem());
    }

    @Test
    void aSegmentThatIsNotARegularFileIsRefusedRatherThanRead() throws Exception {
        withRecords(2, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        Path pipe = dir.resolve(AuditLog.segmentName(9));
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor());
        for (Executable read : List.<Executable>of(() -> AuditVerifier.verify(dir), () -> AuditLog.lastRecord(dir))) {
            IOException refused = assertThrows(IOException.class, read);
            assertEquals(pipe + " is a pipe, a socket or a device, not a regular file as every segment of an audit log is",
                    refused.getMessage());
        }
        CoddException notOpened = assertThrows(CoddException.class, () -> open(AuditLog.DEFAULT_SEGMENT_BYTES));
        assertTrue(notOpened.getMessage().contains(pipe + " is a pipe"), notOpened.getMessage());
        Map<String, Path> others = new LinkedHashMap<>();
        others.put("a pipe, a socket or a device", Path.of("/dev/zero"));
        others.put("a broken link", dir.resolve("gone"));
        for (Map.Entry<String, Path> link : others.entrySet()) {
            Files.delete(pipe);
            Files.createSymbolicLink(pipe, link.getValue());
            IOException refused = assertThrows(IOException.class, () -> AuditVerifier.verify(dir));
            assertTrue(refused.getMessage().startsWith(pipe + " is " + link.getKey() + ", not a regular file"),
                    refused.getMessage());
        }
        Files.delete(pipe);
        Files.createDirectory(pipe);
        IOException directory = assertThrows(IOException.class, () -> AuditVerifier.verify(dir));
        assertTrue(directory.getMessage().startsWith(pipe + " is a directory, not a regular file"), directory.getMessage());
    }

    @Test
    void segmentsPastTenDigitsComeAfterTheOthersForReadersAndTheWriter() throws Exception {
        long first = 9_999_999_999L;
        AuditLine.Encoded older = AuditLine.encode(first, "2026-01-01T00:00:00.000000Z",
                AuditLine.body("query.finished", Map.of("query", "q1")), AuditLine.GENESIS);
        AuditLine.Encoded newer = AuditLine.encode(first + 1, "2026-01-01T00:00:01.000000Z",
                AuditLine.body("query.finished", Map.of("query", "q2")), older.hash());
        Files.write(dir.resolve(AuditLog.segmentName(first)), older.bytes());
        Files.write(dir.resolve(AuditLog.segmentName(first + 1)), newer.bytes());
        assertEquals("audit-10000000000.jsonl", AuditLog.segments(dir).get(1).getFileName().toString());
        withRecords(1, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        AuditVerifier.Report report = AuditVerifier.verify(dir);
        assertTrue(report.ok(), report.toString());
        assertEquals(List.of(first, first + 3), List.of(report.firstSeq(), report.lastSeq()), "opened, and one record");
    }

    @Test
    void aNewestSegmentOfOneEmptyLineIsDamagedNotEmpty() throws Exception {
        withRecords(2, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        Files.writeString(dir.resolve(AuditLog.segmentName(4)), "\n");
        CoddException refused = assertThrows(CoddException.class, () -> open(AuditLog.DEFAULT_SEGMENT_BYTES));
        assertTrue(refused.getMessage().contains("its last record (audit-0000000004.jsonl) is damaged"), refused.getMessage());
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 4, problem().message()), problem());
    }

    @Test
    void aLogWithoutRecordsDoesNotVerify() throws Exception {
        assertEquals(Problem.MISSING, problem().problem(), "a directory without segments");
        assertEquals(1, problem().seq());
        assertTrue(problem().message().contains("holds no segment"), problem().message());
        Files.createFile(dir.resolve(AuditLog.segmentName(7)));
        assertEquals(new AuditVerifier.Finding(Problem.MISSING, 7, "the log holds no record: its 1 segment(s) are empty"),
                problem());
    }

    @Test
    void aDamagedFirstRecordOfAnArchivedLogIsFoundAtItsNumber() throws Exception {
        withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        List<String> lines = lines().subList(3, 10);
        lines.set(0, lines.get(0).replace("\"seq\":4", "\"seq\":\"four\""));
        Files.delete(AuditLog.segments(dir).get(0));
        Files.writeString(dir.resolve(AuditLog.segmentName(4)), String.join("\n", lines) + "\n");
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 4, problem().message()), problem());
    }

    @Test
    void swappedRecordsAreFoundOutOfOrder() throws Exception {
        withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        List<String> lines = lines();
        String third = lines.get(2);
        lines.set(2, lines.get(3));
        lines.set(3, third);
        rewrite(lines);
        assertEquals(Problem.REORDERED, problem().problem());
        assertEquals(3, problem().seq());
    }

    @Test
    void aForgedRecordThatHashesItselfStillBreaksTheChain() throws Exception {
        withRecords(4, AuditLog.DEFAULT_SEGMENT_BYTES).close();
        List<String> lines = lines();
        lines.set(2, new String(AuditLine.encode(3, "2026-01-01T00:00:00Z",
                AuditLine.body("query.finished", Map.of("query", "nothing to see")), AuditLine.GENESIS).bytes(),
                java.nio.charset.StandardCharsets.UTF_8).strip());
        rewrite(lines);
        assertEquals(new AuditVerifier.Finding(Problem.EDITED, 3, problem().message()), problem());
    }

    @Test
    void cuttingWholeRecordsOrRewritingTheLogIsCaughtByTheSignedHeads() throws Exception {
        NodeKey key = NodeKey.loadOrCreate(dir.resolve("key"));
        SignedHead head;
        try (AuditLog log = withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES)) {
            head = key.sign("node1", log.head());
        }
        assertTrue(NodeKey.verify(head));
        assertFalse(NodeKey.verify(new SignedHead("node1", head.seq() + 1, head.hash(), head.time(), head.publicKey(),
                head.signature())), "a signature covers the sequence number");
        assertTrue(AuditVerifier.verify(dir, List.of(AuditVerifier.Witness.of(head))).ok());

        List<String> lines = lines();
        rewrite(lines.subList(0, 7)); // whole records gone from the end: the chain alone cannot tell
        assertTrue(AuditVerifier.verify(dir).ok());
        AuditVerifier.Report cut = AuditVerifier.verify(dir, List.of(AuditVerifier.Witness.of(head)));
        assertEquals(Problem.TRUNCATED, cut.problem().orElseThrow().problem());
        assertEquals(8, cut.problem().orElseThrow().seq());

        Files.delete(AuditLog.segments(dir).get(0));
        withRecords(9, AuditLog.DEFAULT_SEGMENT_BYTES).close(); // a whole new log, as long as the old one
        AuditVerifier.Report rewritten = AuditVerifier.verify(dir, List.of(AuditVerifier.Witness.of(head)));
        assertEquals(Problem.REWRITTEN, rewritten.problem().orElseThrow().problem());
        assertEquals(10, rewritten.problem().orElseThrow().seq());
    }
}
