package dev.codd.node.cli;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.AuditVerifier.Witness;
import dev.codd.node.audit.SignedHeads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** A head as {@code codd audit head} prints it and {@code --expect} takes it: {@code SEQ:HASH}. */
    private static final Pattern HEAD = Pattern.compile("([1-9][0-9]{0,17}):([0-9a-fA-F]{64})");

    private static String head(AuditLog.Head head) {
        return head.seq() + ":" + head.hash();
    }

    @Command(name = "head", mixinStandardHelpOptions = true,
            description = "Print the last record of an audit log as SEQ:HASH, after syncing it to disk: a head to keep "
                    + "outside the log (another machine, a ticket, a second system), so that 'codd audit verify DIR "
                    + "--expect SEQ:HASH' can later show the log still holds that record. Only that record is read, so "
                    + "it is cheap to run often; 'codd audit verify' checks the whole chain and prints the same head.")
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
                System.out.println(head(AuditLog.lastRecord(directory)));
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
                        + "Repeatable.")
        List<Witness> expected = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            for (Path dir : requester == null ? List.of(directory) : List.of(directory, requester)) {
                if (!Files.isDirectory(dir)) {
                    throw new ParameterException(spec.commandLine(), dir + " is not a directory");
                }
            }
            List<Witness> witnesses = new ArrayList<>(expected);
            List<String> held = new ArrayList<>(); // what else the log was checked against
            if (!expected.isEmpty()) {
                held.add("the " + expected.size() + " expected heads");
            }
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
                held.add("the " + anchor.heads().size() + " heads node " + name + " signed for the requester");
            }
            AuditVerifier.Report report = AuditVerifier.verify(directory, witnesses);
            if (report.ok()) {
                List<Long> archived = expected.stream().map(Witness::seq).filter(seq -> seq < report.firstSeq()).toList();
                if (!archived.isEmpty()) { // what was asked cannot be shown from here
                    System.out.println("unchecked: the log starts at record " + report.firstSeq() + " (earlier segments are "
                            + "archived elsewhere), so it cannot show it holds the expected record(s) " + archived
                            + "; verify the archive with --expect");
                    return 1;
                }
                System.out.println("ok: " + report.records() + " records, " + report.firstSeq() + " to " + report.lastSeq()
                        + (held.isEmpty() ? "" : ", and holds " + String.join(" and ", held))
                        + (report.firstSeq() > 1 ? " (earlier segments are archived elsewhere)" : "")
                        + "; head " + head(new AuditLog.Head(report.lastSeq(), report.lastHash())));
                return 0;
            }
            System.out.println("broken at " + where(report.problem().orElseThrow()));
            return 1;
        }

        private static String where(AuditVerifier.Finding finding) {
            return "record " + finding.seq() + " (" + finding.problem().name().toLowerCase() + "): " + finding.message();
        }
    }

    /** {@code --expect SEQ:HASH}: a head that {@code codd audit head} printed. */
    static final class ExpectedHead implements CommandLine.ITypeConverter<Witness> {
        @Override
        public Witness convert(String value) {
            Matcher head = HEAD.matcher(value.strip());
            if (!head.matches()) {
                throw new CommandLine.TypeConversionException("expected SEQ:HASH as 'codd audit head' prints it (a record's "
                        + "sequence number, a colon and its 64 hex digit SHA-256), got '" + value + "'");
            }
            return new Witness(Long.parseLong(head.group(1)), head.group(2).toLowerCase(Locale.ROOT),
                    "it was kept as a head (--expect)");
        }
    }
}
