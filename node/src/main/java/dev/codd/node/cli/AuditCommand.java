package dev.codd.node.cli;

import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.wire.SignedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code codd audit verify DIR}: check an audit log's chain, and a node's log against the requester's. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with audit logs.",
        subcommands = AuditCommand.VerifyCommand.class)
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that an audit log is whole and unedited: every record intact, in order, chained to the "
                    + "one before, none missing or cut. Exit code 0 when it verifies, 1 when it does not (or, with "
                    + "--requester, when the requester holds no head of the node to check it against).")
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

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            for (Path dir : requester == null ? List.of(directory) : List.of(directory, requester)) {
                if (!Files.isDirectory(dir)) {
                    throw new ParameterException(spec.commandLine(), dir + " is not a directory");
                }
            }
            List<SignedHead> heads = List.of();
            String checkedAgainst = "";
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
                heads = anchor.heads();
                if (heads.isEmpty()) { // else a log could pass by naming a node that signed nothing
                    System.out.println("unchecked: the requester's log holds no head that node " + name + " signed, so "
                            + directory + " cannot be checked against it (a node's first head is kept at its first heartbeat;"
                            + " --node names the node when the log's own name is not to be trusted)");
                    return 1;
                }
                checkedAgainst = ", and holds the " + heads.size() + " heads node " + name + " signed for the requester";
            }
            AuditVerifier.Report report = AuditVerifier.verify(directory, heads);
            if (report.ok()) {
                System.out.println("ok: " + report.records() + " records, " + report.firstSeq() + " to " + report.lastSeq()
                        + checkedAgainst + (report.firstSeq() > 1 ? " (earlier segments are archived elsewhere)" : "")
                        + "; last hash " + report.lastHash());
                return 0;
            }
            System.out.println("broken at " + where(report.problem().orElseThrow()));
            return 1;
        }

        private static String where(AuditVerifier.Finding finding) {
            return "record " + finding.seq() + " (" + finding.problem().name().toLowerCase() + "): " + finding.message();
        }
    }
}
