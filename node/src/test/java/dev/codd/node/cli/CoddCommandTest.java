package dev.codd.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.FileTrees;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.audit.RequesterHeads;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.wire.SignedHead;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: help, bad usage, and the demo end to end. */
class CoddCommandTest {
    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = CoddCommand.run(args);
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyCommandExplainsItself() {
        for (String[] args : new String[][] {{"--help"}, {"serve", "--help"}, {"serve", "requester", "--help"},
                {"serve", "compute", "--help"}, {"demo", "--help"}, {"audit", "head", "--help"},
                {"audit", "verify", "--help"}}) {
            Run run = run(args);
            assertEquals(0, run.exitCode(), String.join(" ", args));
            assertTrue(run.out().startsWith("Usage: codd"), run.out());
        }
        assertTrue(run("serve", "compute", "--help").out().contains("--join=HOST:PORT"));
    }

    @Test
    void badUsageNamesTheProblem() {
        Run missing = run("serve", "compute", "--join", "127.0.0.1:7600");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("Missing required option: '--data=DIR'"), missing.err());

        Run badJoin = run("serve", "compute", "--data", ".", "--join", "nowhere");
        assertEquals(2, badJoin.exitCode());
        assertTrue(badJoin.err().contains("Invalid --join: expected host:port, got 'nowhere'"), badJoin.err());

        Run wildcard = run("serve", "compute", "--data", ".", "--join", "127.0.0.1:7600", "--host", "0.0.0.0");
        assertEquals(2, wildcard.exitCode());
        assertTrue(wildcard.err().contains("say with --advertise which address"), wildcard.err());

        Run port = run("serve", "requester", "--port", "70000");
        assertEquals(2, port.exitCode());
        assertTrue(port.err().contains("--port must be between 0 and 65535, not 70000"), port.err());

        Run lowercase = run("serve", "compute", "--join", "127.0.0.1:7600", "--audit-sync", "interval");
        assertTrue(lowercase.err().contains("Missing required option: '--data=DIR'") && !lowercase.err().contains("Invalid value"),
                "--audit-sync interval is understood: " + lowercase.err());

        Run badSync = run("serve", "compute", "--data", ".", "--join", "127.0.0.1:7600", "--audit-sync", "sometimes");
        assertEquals(2, badSync.exitCode());
        assertTrue(badSync.err().contains("Invalid value for option '--audit-sync'")
                && badSync.err().contains("FRAGMENT, INTERVAL"), badSync.err());

        Run answerTimeout = run("serve", "compute", "--data", ".", "--join", "127.0.0.1:7600", "--docker-image", "busybox",
                "--docker-answer-timeout", "0");
        assertEquals(2, answerTimeout.exitCode());
        assertTrue(answerTimeout.err().contains("Invalid Docker settings: the answer timeout must be positive"),
                answerTimeout.err());

        Run unknown = run("frobnicate");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unmatched argument"), unknown.err());
    }

    @Test
    void aMissingDataDirectoryIsNamed(@TempDir Path dir) {
        Run run = run("serve", "compute", "--data", dir.resolve("absent").toString(), "--join", "127.0.0.1:1");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("Data directory " + dir.resolve("absent") + " does not exist"), run.err());
    }

    @Test
    void aFailureIsAMessageNotAStackTrace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Run run = run("demo", "--dir", file.resolve("data").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("codd: "), run.err());
        assertTrue(run.err().contains("not-a-directory"), run.err());
        assertTrue(!run.err().contains("\tat "), run.err());
    }

    @Test
    void auditVerifySaysOkOrWhereTheLogIsBroken(@TempDir Path dir) throws Exception {
        try (AuditLog log = AuditLog.open(dir, "test", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably("query.accepted", Map.of("sql", "SELECT 1"));
            log.appendDurably("query.ended", Map.of("rows", 1));
        }
        Run ok = run("audit", "verify", dir.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().startsWith("ok: 3 records, 1 to 3"), ok.out());

        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        Files.writeString(segment, Files.readString(segment).replace("\"rows\":1", "\"rows\":2"));
        Run broken = run("audit", "verify", dir.toString());
        assertEquals(1, broken.exitCode());
        assertTrue(broken.out().startsWith("broken at record 3 (edited)"), broken.out());

        Run missing = run("audit", "verify", dir.resolve("nowhere").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("is not a directory"), missing.err());

        Run empty = run("audit", "verify", Files.createDirectory(dir.resolve("empty")).toString());
        assertEquals(1, empty.exitCode());
        assertTrue(empty.out().startsWith("broken at record 1 (missing): "), empty.out());
        assertTrue(empty.out().contains("holds no segment (audit-*.jsonl)"), empty.out());
    }

    @Test
    void auditHeadIsWhatVerifyLaterChecksTheLogStillHolds(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        try (AuditLog audit = AuditLog.open(log, "test", 400, Map.of())) { // small segments: several of them
            for (int i = 0; i < 6; i++) {
                audit.appendDurably("query.ended", Map.of("rows", i));
            }
        }
        Run head = run("audit", "head", log.toString());
        assertEquals(0, head.exitCode(), head.err());
        assertTrue(head.out().matches("7:[0-9a-f]{64}\n"), head.out());
        String kept = head.out().strip();
        Run ok = run("audit", "verify", log.toString(), "--expect", kept.toUpperCase(Locale.ROOT));
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertEquals("ok: 7 records, 1 to 7, and holds the 1 expected head; head " + kept + "\n", ok.out());
        Path heads = Files.writeString(dir.resolve("heads.txt"), "# kept hourly\n" + kept + "\n\n");
        Run fromFile = run("audit", "verify", log.toString(), "--expect-file", heads.toString(), "--expect", kept);
        assertEquals(0, fromFile.exitCode(), fromFile.out() + fromFile.err());
        assertTrue(fromFile.out().contains("and holds the 1 expected head;"), "the same head twice is one: " + fromFile.out());

        // rewritten whole, and longer than before: the chain verifies, the kept head does not
        FileTrees.delete(log);
        try (AuditLog audit = AuditLog.open(log, "test", 400, Map.of())) {
            for (int i = 0; i < 9; i++) {
                audit.appendDurably("query.ended", Map.of("rows", 0));
            }
        }
        assertEquals(0, run("audit", "verify", log.toString()).exitCode());
        Run rewritten = run("audit", "verify", log.toString(), "--expect", kept);
        assertEquals(1, rewritten.exitCode(), rewritten.out() + rewritten.err());
        assertEquals("broken at record 7 (rewritten): record 7 is not the one there when it was kept as a head (--expect): "
                + "the log was rewritten\n", rewritten.out());
        Run rewrittenFromFile = run("audit", "verify", log.toString(), "--expect-file", heads.toString());
        assertEquals(1, rewrittenFromFile.exitCode(), rewrittenFromFile.out() + rewrittenFromFile.err());
        assertTrue(rewrittenFromFile.out().contains("when it was kept as a head (heads.txt line 2)"), rewrittenFromFile.out());

        // its first segments archived away: what they held cannot be shown from here
        Files.move(log.resolve("audit-0000000001.jsonl"), dir.resolve("audit-0000000001.jsonl"));
        Run archived = run("audit", "verify", log.toString(), "--expect", "1:" + "0".repeat(64));
        assertEquals(1, archived.exitCode(), archived.out() + archived.err());
        assertTrue(archived.out().startsWith("unchecked: the log starts at record "), archived.out());
        assertTrue(archived.out().contains("it cannot show that it holds expected record 1;"), archived.out());

        for (String bad : new String[] {"7", "7:abc", "0:" + "0".repeat(64), "x:" + "0".repeat(64)}) {
            Run usage = run("audit", "verify", log.toString(), "--expect", bad);
            assertEquals(2, usage.exitCode(), bad);
            assertTrue(usage.err().contains("expected SEQ:HASH as 'codd audit head' prints it") && usage.err().contains(
                    "got '" + bad + "'"), usage.err());
        }
        Path unkept = Files.writeString(dir.resolve("unkept.txt"), "# nothing kept yet\n");
        Run unfilled = run("audit", "verify", log.toString(), "--expect-file", unkept.toString());
        assertEquals(1, unfilled.exitCode(), unfilled.out() + unfilled.err());
        assertEquals("unchecked: " + unkept + " holds no head to check the log against\n", unfilled.out());
        Files.writeString(heads, kept + "\n7:abc\n");
        Run badFile = run("audit", "verify", log.toString(), "--expect-file", heads.toString());
        assertEquals(2, badFile.exitCode());
        assertTrue(badFile.err().contains(heads + " line 2: expected SEQ:HASH"), badFile.err());
        Run noFile = run("audit", "verify", log.toString(), "--expect-file", dir.resolve("absent.txt").toString());
        assertEquals(2, noFile.exitCode());
        assertTrue(noFile.err().contains("Cannot read --expect-file " + dir.resolve("absent.txt")), noFile.err());
        Run missing = run("audit", "head", dir.resolve("nowhere").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("is not a directory"), missing.err());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Run none = run("audit", "head", empty.toString());
        assertEquals(1, none.exitCode());
        assertEquals("codd: Cannot read the head of the audit log in " + empty + ": it holds no segment (audit-*.jsonl)\n",
                none.err());
    }

    @Test
    void auditVerifyChecksTheRequestersLogAgainstTheHeadsItsNodesKept(@TempDir Path dir) throws Exception {
        Path requester = dir.resolve("requester");
        AuditLog.Head head;
        try (AuditLog log = AuditLog.open(requester, "requester", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably("query.accepted", Map.of("sql", "SELECT 1"));
            head = log.durable();
            log.appendDurably("query.ended", Map.of("rows", 1));
        }
        Path node = dir.resolve("node");
        try (AuditLog log = AuditLog.open(node, "node n1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably(RequesterHeads.TYPE, RequesterHeads.data("127.0.0.1:7600", head.seq(), head.hash(), null));
        }
        Run ok = run("audit", "verify", requester.toString(), "--node-log", node.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("ok: 3 records, 1 to 3, and holds the 1 head node n1 kept of it; head 3:"), ok.out());

        Path bare = dir.resolve("bare");
        AuditLog.open(bare, "node n2", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of()).close();
        Run unchecked = run("audit", "verify", requester.toString(), "--node-log", node.toString(), "--node-log",
                bare.toString());
        assertEquals(1, unchecked.exitCode(), unchecked.out() + unchecked.err());
        assertTrue(unchecked.out().startsWith("unchecked: the log of node n2 (" + bare + ") holds no head of the "
                + "requester's log"), unchecked.out());

        // the requester's log rewritten whole, as long as before: only the node's heads can tell
        FileTrees.delete(requester);
        try (AuditLog log = AuditLog.open(requester, "requester", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably("query.accepted", Map.of("sql", "SELECT 2"));
            log.appendDurably("query.ended", Map.of("rows", 1));
        }
        assertEquals(0, run("audit", "verify", requester.toString()).exitCode());
        Run rewritten = run("audit", "verify", requester.toString(), "--node-log", node.toString());
        assertEquals(1, rewritten.exitCode(), rewritten.out() + rewritten.err());
        assertTrue(rewritten.out().startsWith("broken at record 2 (rewritten): record 2 is not the one there when node n1 "
                + "kept it at "), rewritten.out());

        Path segment = node.resolve("audit-0000000001.jsonl");
        Files.writeString(segment, Files.readString(segment).replace("127.0.0.1:7600", "127.0.0.1:7601"));
        Run broken = run("audit", "verify", requester.toString(), "--node-log", node.toString());
        assertEquals(1, broken.exitCode(), broken.out() + broken.err());
        assertTrue(broken.out().startsWith("broken: the log of node n1 (" + node + "), which holds the heads to check "
                + "against, is broken at record 2 (edited)"), broken.out());

        Run both = run("audit", "verify", requester.toString(), "--node-log", node.toString(), "--requester",
                requester.toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("give one or the other"), both.err());
        Run wrongWay = run("audit", "verify", node.toString(), "--node-log", bare.toString());
        assertEquals(2, wrongWay.exitCode());
        assertTrue(wrongWay.err().contains(node + " is node n1's log: --node-log checks the requester's log"),
                wrongWay.err());
        Run nodeAlone = run("audit", "verify", requester.toString(), "--node", "n1");
        assertEquals(2, nodeAlone.exitCode());
        assertTrue(nodeAlone.err().contains("--node names the node whose log DIR is, for --requester"), nodeAlone.err());
        Run missing = run("audit", "verify", requester.toString(), "--node-log", dir.resolve("nowhere").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nowhere is not a directory"), missing.err());
    }

    @Test
    void auditCommandsNameWhatIsWrongWithTheirInputsPlainly(@TempDir Path dir) throws Exception {
        Path requester = dir.resolve("requester");
        List<AuditLog.Head> heads = new ArrayList<>();
        try (AuditLog log = AuditLog.open(requester, SignedHeads.REQUESTER_OWNER, 400, Map.of())) {
            for (int i = 0; i < 6; i++) {
                heads.add(log.appendDurably("query.ended", Map.of("rows", i)));
            }
        }
        Path node = dir.resolve("node");
        try (AuditLog log = AuditLog.open(node, "node n1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            for (AuditLog.Head head : List.of(heads.get(0), heads.get(5))) {
                log.appendDurably(RequesterHeads.TYPE, RequesterHeads.data("127.0.0.1:7600", head.seq(), head.hash(), null));
            }
        }
        String log = requester.toString();
        // an unset variable is not the working directory
        for (String[] args : new String[][] {{"audit", "verify", ""}, {"audit", "head", ""},
                {"audit", "verify", log, "--node-log", ""}, {"audit", "verify", log, "--expect-file", ""}}) {
            Run empty = run(args);
            assertEquals(2, empty.exitCode(), List.of(args) + empty.out() + empty.err());
            assertTrue(empty.err().contains(" is empty: name a"), empty.err());
        }
        Path nodeLink = Files.createSymbolicLink(dir.resolve("link"), node);
        Run twice = run("audit", "verify", log, "--node-log", node.toString(), "--node-log", nodeLink.toString());
        assertEquals(2, twice.exitCode(), twice.out() + twice.err());
        assertTrue(twice.err().contains("--node-log " + nodeLink + " is given twice"), twice.err());
        Run requesterAsNode = run("audit", "verify", log, "--node-log", log);
        assertEquals(2, requesterAsNode.exitCode(), requesterAsNode.out() + requesterAsNode.err());
        assertTrue(requesterAsNode.err().contains(log + " is the requester's log: --node-log takes a node's log"),
                requesterAsNode.err());

        // heads in archived segments are not counted as checked
        Path archive = Files.createDirectory(dir.resolve("archive"));
        try (Stream<Path> segments = Files.list(requester)) { // all but the newest, which holds the newest head
            List<Path> older = segments.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
            for (Path segment : older.subList(0, older.size() - 1)) {
                Files.move(segment, archive.resolve(segment.getFileName()));
            }
        }
        Run ok = run("audit", "verify", log, "--node-log", node.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().contains(", and holds the 1 head node n1 kept of it outside the archived segments (earlier "
                + "segments are archived elsewhere); head "), ok.out());

        // a file of heads that is not one: named, not thrown
        String newest = heads.get(5).text();
        Path file = dir.resolve("heads.txt");
        Files.write(file, ("\uFEFF" + newest + "\n").getBytes(StandardCharsets.UTF_8)); // as Notepad saves it
        assertEquals(0, run("audit", "verify", log, "--expect-file", file.toString()).exitCode());
        Map<String, byte[]> notHeads = Map.of(
                "line 2 is not UTF-8 text", (newest + "\n\u00e9t\u00e9\n").getBytes(StandardCharsets.ISO_8859_1),
                "line 1 is longer than any head or comment (over 4096 bytes)", new byte[1 << 20],
                "line 1: expected SEQ:HASH", (newest + "\u0000\n").getBytes(StandardCharsets.UTF_8),
                "line 1 is UTF-16 text (as Windows PowerShell 5 writes files)",
                ("\uFEFF" + newest + "\n").getBytes(StandardCharsets.UTF_16LE));
        for (Map.Entry<String, byte[]> notHead : notHeads.entrySet()) {
            Files.write(file, notHead.getValue());
            Run refused = run("audit", "verify", log, "--expect-file", file.toString());
            assertEquals(2, refused.exitCode(), refused.out() + refused.err());
            assertTrue(refused.err().contains(file + " " + notHead.getKey()), refused.err());
        }
        Files.write(file, notHeads.get("line 1: expected SEQ:HASH"));
        Run nul = run("audit", "verify", log, "--expect-file", file.toString());
        assertTrue(nul.err().contains("got '" + newest + "\\u0000'"), "a character no terminal shows is shown escaped: "
                + nul.err());
        Run directory = run("audit", "verify", log, "--expect-file", dir.toString());
        assertEquals(2, directory.exitCode());
        assertTrue(directory.err().contains("--expect-file " + dir + " is a directory"), directory.err());
        Run absent = run("audit", "verify", log, "--expect-file", dir.resolve("absent").toString());
        assertEquals(2, absent.exitCode());
        assertTrue(absent.err().contains("Cannot read --expect-file " + dir.resolve("absent") + ": no such file or directory"),
                absent.err());

        // a segment that is a broken link: named, neither read nor a Java exception's name
        Path dangling = requester.resolve("audit-0000000099.jsonl");
        Files.createSymbolicLink(dangling, dir.resolve("gone"));
        for (String command : new String[] {"verify", "head"}) {
            Run link = run("audit", command, log);
            assertEquals(1, link.exitCode(), link.out() + link.err());
            assertTrue(link.err().contains(dangling + " is a broken link, not a regular file"), link.err());
        }
    }

    /** Node n1's log in {@code dir/node}, and the requester's in {@code dir/requester} with the head n1 signed of it. */
    private static void nodeAndRequesterLogs(Path dir) {
        SignedHead head;
        try (AuditLog log = AuditLog.open(dir.resolve("node"), "node n1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably("fragment.started", Map.of("sql", "SELECT 1"));
            head = NodeKey.loadOrCreate(dir.resolve("key")).sign("n1", log.durable());
        }
        try (AuditLog log = AuditLog.open(dir.resolve("requester"), "requester", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably(SignedHeads.TYPE, SignedHeads.data(head));
            log.appendDurably("query.ended", Map.of("rows", 1));
        }
    }

    @Test
    void auditVerifyAgainstARequesterWithoutTheNodesHeadsIsNoPass(@TempDir Path dir) throws Exception {
        nodeAndRequesterLogs(dir);
        Path requester = dir.resolve("requester");
        // a log rewritten whole, which now calls itself a node the requester kept no head of
        Path rewritten = dir.resolve("rewritten");
        AuditLog.open(rewritten, "node n2", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of()).close();
        Run unchecked = run("audit", "verify", rewritten.toString(), "--requester", requester.toString());
        assertEquals(1, unchecked.exitCode(), unchecked.out() + unchecked.err());
        assertTrue(unchecked.out().startsWith("unchecked: the requester's log holds no head that node n2 signed"),
                unchecked.out());

        Run named = run("audit", "verify", rewritten.toString(), "--requester", requester.toString(), "--node", "n1");
        assertEquals(1, named.exitCode(), named.out() + named.err());
        assertTrue(named.out().startsWith("broken at record 2 (truncated)"), named.out());

        // a new log whose first segments look archived, starting after every head n1 signed: nothing to check it against
        Path renumbered = dir.resolve("renumbered");
        try (AuditLog log = AuditLog.open(renumbered, "node n1", 400, Map.of())) {
            for (int i = 0; i < 6; i++) {
                log.appendDurably("fragment.started", Map.of("sql", "SELECT " + i));
            }
        }
        try (Stream<Path> segments = Files.list(renumbered)) { // all but the newest, which starts after record 2
            List<Path> older = segments.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
            for (Path segment : older.subList(0, older.size() - 1)) {
                Files.delete(segment);
            }
        }
        Run later = run("audit", "verify", renumbered.toString(), "--requester", requester.toString(), "--node", "n1");
        assertEquals(1, later.exitCode(), later.out() + later.err());
        assertTrue(later.out().startsWith("unchecked: the log starts at record ") && later.out().contains(
                "it cannot show that it holds any of the heads node n1 signed for the requester (the newest is record 2)"),
                later.out());

        // the requester's own log given as a node's, or a node's as the requester's: usage errors, not findings
        Run backwards = run("audit", "verify", requester.toString(), "--requester", requester.toString());
        assertEquals(2, backwards.exitCode(), backwards.out() + backwards.err());
        assertTrue(backwards.err().startsWith(requester + " is the requester's log: --requester checks a node's log"),
                backwards.err());
        Run nodeAsRequester = run("audit", "verify", dir.resolve("node").toString(), "--requester", rewritten.toString());
        assertEquals(2, nodeAsRequester.exitCode(), nodeAsRequester.out() + nodeAsRequester.err());
        assertTrue(nodeAsRequester.err().startsWith(rewritten + " is node n2's log: --requester takes the requester's log"),
                nodeAsRequester.err());
        // a node log whose records naming it are archived away: the user says which node's it is
        Run nameless = run("audit", "verify", renumbered.toString(), "--requester", requester.toString());
        assertEquals(2, nameless.exitCode(), nameless.out() + nameless.err());
        assertTrue(nameless.err().startsWith(renumbered + " does not say which node's log it is"), nameless.err());
        Run blank = run("audit", "verify", renumbered.toString(), "--requester", requester.toString(), "--node", "");
        assertEquals(2, blank.exitCode(), blank.out() + blank.err());
        assertTrue(blank.err().startsWith("--node is empty"), blank.err());
    }

    @Test
    void auditVerifyTrustsNoHeadsFromABrokenRequesterLog(@TempDir Path dir) throws Exception {
        nodeAndRequesterLogs(dir);
        Path node = dir.resolve("node");
        Path requester = dir.resolve("requester");
        Run ok = run("audit", "verify", node.toString(), "--requester", requester.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().contains("holds the 1 head node n1 signed"), ok.out());

        Path segment = requester.resolve("audit-0000000001.jsonl");
        Files.writeString(segment, Files.readString(segment).replace("\"rows\":1", "\"rows\":2"));
        Run broken = run("audit", "verify", node.toString(), "--requester", requester.toString());
        assertEquals(1, broken.exitCode());
        assertTrue(broken.out().startsWith("broken: the requester's log, which holds the heads to check against, is broken "
                + "at record 3 (edited)"), broken.out());
    }

    @Test
    void aRequesterLogHoldingAHeadWhoseSignatureDoesNotHoldWasRewritten(@TempDir Path dir) throws Exception {
        SignedHead head;
        try (AuditLog log = AuditLog.open(dir.resolve("node"), "node n1", AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably("fragment.started", Map.of("sql", "SELECT 1"));
            head = NodeKey.loadOrCreate(dir.resolve("key")).sign("n1", log.durable());
        }
        // rewritten by someone without the node's key: the chain holds, the head's signature does not
        SignedHead forged = new SignedHead("n1", head.seq(), "0".repeat(64), head.time(), head.publicKey(), head.signature());
        try (AuditLog log = AuditLog.open(dir.resolve("requester"), SignedHeads.REQUESTER_OWNER,
                AuditLog.DEFAULT_SEGMENT_BYTES, Map.of())) {
            log.appendDurably(SignedHeads.TYPE, SignedHeads.data(forged));
        }
        assertEquals(0, run("audit", "verify", dir.resolve("requester").toString()).exitCode(), "the chain alone cannot tell");
        Run rewritten = run("audit", "verify", dir.resolve("node").toString(), "--requester", dir.resolve("requester").toString());
        assertEquals(1, rewritten.exitCode(), rewritten.out() + rewritten.err());
        assertEquals("broken: the requester's log, which holds the heads to check against, is broken at record 2 (rewritten): "
                + "record 2 holds a head of node n1 whose signature does not hold, which the requester never keeps: the log "
                + "was rewritten\n", rewritten.out());
    }

    @Test
    void demoRunsItsExamplesAndExits(@TempDir Path dir) throws Exception {
        Run run = run("demo", "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        for (String expected : new String[] {"TPC-H Q1", "TPC-H Q6", "A filter", "A group-by", "ORDER BY ... LIMIT",
                "A join", "| A            | F            | 380456.00 |", "sent back: node1", "price_spread",
                "sent back: node1 7 rows"}) {
            assertTrue(run.out().contains(expected), expected + " missing from:\n" + run.out());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith("lineitem-2-of-3.parquet")));
        }
        Run again = run("demo", "--dir", dir.toString());
        assertEquals(0, again.exitCode());
        assertTrue(again.out().startsWith("Using the data in " + dir), again.out());
    }
}
