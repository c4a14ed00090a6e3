package dev.codd.node.cli;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.AuditVerifier.Witness;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code codd audit verify DIR}: check an audit log's chain, a node's log against the requester's,
 * and any log against heads kept outside it; {@code codd audit head DIR}: print a head to keep.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with audit logs.",
        subcommands = {AuditCommand.VerifyCommand.class, AuditCommand.HeadCommand.class})
final class AuditCommand {
    /** How a head kept outside the log is described when the log no longer holds it; {@code where} it was given. */
    private static Witness kept(AuditLog.Head head, String where) {
        return new Witness(head.seq(), head.hash(), "it was kept as a head (" + where + ")");
    }

    @Command(name = "head", mixinStandardHelpOptions = true,
            description = "Print the last record of an audit log as SEQ:HASH, after syncing it to disk: a head to keep "
                    + "outside the log (another machine, a ticket, a second system), so that 'codd audit verify DIR "
                    + "--expect SEQ:HASH' can later show the log still holds that record. Only that record is read, so "
                    + "it is cheap to run often, also while the log is written. Exit code 0 when printed, 1 when the "
                    + "log has no record or its last one is damaged (see 'codd audit verify').")
    static final class HeadCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The audit log's directory (its audit-*.jsonl segments).")
        Path directory;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!Files.isDirectory(directory)) {
                throw new ParameterException(spec.commandLine(), directory + " is not a directory");
            }
            try {
                System.out.println(AuditLog.lastRecord(directory).text());
                return 0;
            } catch (IOException e) {
                throw new CoddException(ErrorCode.DATA_ERROR, "Cannot read the head of the audit log in " + directory
                        + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that an audit log is whole and unedited: every record intact, in order, chained to the "
                    + "one before, none missing or cut; and, with --requester or --expect, that it still holds the "
                    + "heads seen outside it. Exit code 0 when it verifies, 1 when it does not, or when what was asked "
                    + "cannot be checked (the requester holds no head of the node, an expected head is archived away).")
    static final class VerifyCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The audit log's directory (its audit-*.jsonl segments).")
        Path directory;

        @Option(names = "--requester", paramLabel = "DIR",
                description = "The requester's audit log: also check that a node's log still holds every head the node "
                        + "signed and sent to the requester (catches records cut from the end and a log rewritten whole).")
        Path requester;

        @Option(names = "--node", paramLabel = "NAME",
                description = "With --requester: the node whose log DIR is (default: the name the log gives itself).")
        String node;

        @Option(names = "--expect", paramLabel = "SEQ:HASH", converter = ExpectedHead.class,
                description = "A head kept outside the log ('codd audit head' prints it): also check that the log still "
                        + "holds that record (catches a log cut or rewritten whole since, the requester's own too). "
                        + "May be given more than once.")
        List<Witness> expected = new ArrayList<>();

        @Option(names = "--expect-file", paramLabel = "FILE",
                description = "A file of heads kept as 'codd audit head' prints them, one per line (blank lines and lines "
                        + "starting with # aside): check each as --expect does.")
        Path expectFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            for (Path dir : requester == null ? List.of(directory) : List.of(directory, requester)) {
                if (!Files.isDirectory(dir)) {
                    throw new ParameterException(spec.commandLine(), dir + " is not a directory");
                }
            }
            List<Witness> kept = new ArrayList<>(expected);
            if (expectFile != null) {
                List<Witness> inFile = readHeads(expectFile);
                if (inFile.isEmpty()) { // else a log would pass against a file its keeper never filled
                    System.out.println("unchecked: " + expectFile + " holds no head to check the log against");
                    return 1;
                }
                kept.addAll(inFile);
            }
            List<Witness> witnesses = new ArrayList<>(kept);
            List<String> held = new ArrayList<>(); // what else the log was checked against
            if (!kept.isEmpty()) {
                held.add(count(kept.size(), "expected head"));
            }
            long newestSigned = 0;
            if (requester != null) {
                String name = node != null ? node : SignedHeads.ownerNode(directory)
                        .orElseThrow(() -> new ParameterException(spec.commandLine(), directory
                                + " names no node (its first record is not a node's); say which with --node"));
                SignedHeads.Anchor anchor = SignedHeads.verified(requester, name);
                if (!anchor.report().ok()) { // the heads are only as good as the log that holds them
                    System.out.println("broken: the requester's log, which holds the heads to check against, is broken at "
                            + where(anchor.report().problem().orElseThrow()));
                    return 1;
                }
                if (anchor.heads().isEmpty()) { // else a log could pass by naming a node that signed nothing
                    System.out.println("unchecked: the requester's log holds no head that node " + name + " signed, so "
                            + directory + " cannot be checked against it (a node's first head is kept at its first heartbeat;"
                            + " --node names the node when the log's own name is not to be trusted)");
                    return 1;
                }
                witnesses.addAll(anchor.witnesses());
                newestSigned = anchor.heads().stream().mapToLong(SignedHead::seq).max().orElseThrow();
                held.add(count(anchor.heads().size(), "head") + " node " + name + " signed for the requester");
            }
            AuditVerifier.Report report = AuditVerifier.verify(directory, witnesses);
            if (!report.ok()) {
                System.out.println("broken at " + where(report.problem().orElseThrow()));
                return 1;
            }
            // a witness in a segment archived away cannot be checked; a log that starts after every head its node
            // signed, with no archive to bridge the gap, could be a new log named to look like the rest of the old one
            String archived = kept.stream().map(Witness::seq).filter(seq -> seq < report.firstSeq()).sorted()
                    .map(String::valueOf).collect(Collectors.joining(", "));
            if (!archived.isEmpty() || newestSigned >= 1 && newestSigned < report.firstSeq()) {
                System.out.println("unchecked: the log starts at record " + report.firstSeq() + " (earlier segments are "
                        + "archived elsewhere, or removed), so it cannot show that it holds "
                        + (archived.isEmpty() ? "any of the heads its node signed for the requester (the newest is record "
                                + newestSigned + ")" : "expected record " + archived)
                        + "; verify the archived segments with the rest of the log");
                return 1;
            }
            System.out.println("ok: " + report.records() + " records, " + report.firstSeq() + " to " + report.lastSeq()
                    + (held.isEmpty() ? "" : ", and holds " + String.join(" and ", held))
                    + (report.firstSeq() > 1 ? " (earlier segments are archived elsewhere)" : "")
                    + "; head " + new AuditLog.Head(report.lastSeq(), report.lastHash()).text());
            return 0;
        }

        private List<Witness> readHeads(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "Cannot read --expect-file " + file + ": " + e);
            }
            List<Witness> heads = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int number = i + 1;
                heads.add(AuditLog.Head.parse(line).map(head -> kept(head, file.getFileName() + " line " + number))
                        .orElseThrow(() -> new ParameterException(spec.commandLine(), file + " line " + number + ": "
                                + ExpectedHead.notAHead(line))));
            }
            return heads;
        }

        private static String count(int n, String what) {
            return "the " + n + " " + what + (n == 1 ? "" : "s");
        }

        private static String where(AuditVerifier.Finding finding) {
            return "record " + finding.seq() + " (" + finding.problem().name().toLowerCase() + "): " + finding.message();
        }
    }

    /** {@code --expect SEQ:HASH}: a head that {@code codd audit head} printed. */
    static final class ExpectedHead implements CommandLine.ITypeConverter<Witness> {
        @Override
        public Witness convert(String value) {
            AuditLog.Head head = AuditLog.Head.parse(value)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(notAHead(value)));
            return kept(head, "--expect");
        }

        static String notAHead(String value) {
            return "expected SEQ:HASH as 'codd audit head' prints it (a record's sequence number, a colon and its 64 hex "
                    + "digit SHA-256), got '" + value + "'";
        }
    }
}
