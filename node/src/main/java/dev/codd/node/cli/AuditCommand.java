package dev.codd.node.cli;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.AuditVerifier;
import dev.codd.node.audit.AuditVerifier.Witness;
import dev.codd.node.audit.RequesterHeads;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.audit.SignedHeads.Owner;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /** A line of an --expect-file is a head or a comment: anything longer is not one (or no text at all). */
    private static final int MAX_HEADS_LINE = 4096;

    /**
     * {@code dir}, given as {@code what}, must name a directory: an empty one is a variable left unset,
     * not the working directory.
     */
    private static void requireDirectory(CommandSpec spec, Path dir, String what) {
        if (dir.toString().isEmpty()) {
            throw new ParameterException(spec.commandLine(), what + " is empty: name an audit log's directory");
        }
        try {
            if (Files.readAttributes(dir, BasicFileAttributes.class).isDirectory()) {
                return;
            }
        } catch (NoSuchFileException e) {
            // not a directory either
        } catch (IOException e) { // there may be one, out of reach
            throw new ParameterException(spec.commandLine(), CoddCommand.describe(e));
        }
        throw new ParameterException(spec.commandLine(), dir + " is not a directory");
    }

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
            requireDirectory(spec, directory, "DIR");
            try {
                System.out.println(AuditLog.lastRecord(directory).text());
                return 0;
            } catch (IOException e) {
                throw new CoddException(ErrorCode.DATA_ERROR, "Cannot read the head of the audit log in " + directory
                        + ": " + CoddCommand.describe(e), e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that an audit log is whole and unedited: every record intact, in order, chained to the "
                    + "one before, none missing or cut; and, with --requester, --node-log or --expect, that it still "
                    + "holds the heads seen outside it. Exit code 0 when it verifies, 1 when it does not, or when what was "
                    + "asked cannot be checked (the requester holds no head of the node, or a node none of the "
                    + "requester, an expected head is archived away).")
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

        @Option(names = "--node-log", paramLabel = "DIR",
                description = "A node's audit log, when DIR is the requester's: also check that the requester's log still "
                        + "holds every head of it the node kept from heartbeats (catches the requester's log cut or "
                        + "rewritten whole). May be given more than once.")
        List<Path> nodeLogs = new ArrayList<>();

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
            requireDirectory(spec, directory, "DIR");
            if (requester != null) {
                requireDirectory(spec, requester, "--requester");
            }
            Set<Path> distinct = new HashSet<>();
            for (Path nodeLog : nodeLogs) {
                requireDirectory(spec, nodeLog, "--node-log");
                if (!distinct.add(nodeLog.toRealPath())) { // through a link too: its heads would count twice
                    throw new ParameterException(spec.commandLine(), "--node-log " + nodeLog + " is given twice");
                }
            }
            if (node != null && requester == null) {
                throw new ParameterException(spec.commandLine(), "--node names the node whose log DIR is, for --requester");
            }
            if (node != null && node.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--node is empty: name the node whose log DIR is");
            }
            // --requester checks a node's log, --node-log the requester's: heads of one checked against another node's
            // log would all seem rewritten
            if (requester != null && !nodeLogs.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--requester checks a node's log and --node-log the "
                        + "requester's: give one or the other");
            }
            List<Witness> inFile = expectFile == null ? List.of() : readHeads(expectFile);
            Roles roles = roles();
            if (expectFile != null && inFile.isEmpty()) { // else a log would pass against a file its keeper never filled
                System.out.println("unchecked: " + expectFile + " holds no head to check the log against");
                return 1;
            }
            List<Witness> kept = new ArrayList<>(expected);
            kept.addAll(inFile);
            List<Witness> witnesses = new ArrayList<>(kept);
            List<Source> sources = sources(roles);
            for (Source source : sources) {
                if (!source.anchor().report().ok()) { // the heads are only as good as the log that holds them
                    System.out.println("broken: " + source.log() + ", which holds the heads to check against, is broken at "
                            + where(source.anchor().report().problem().orElseThrow()));
                    return 1;
                }
                witnesses.addAll(source.anchor().heads());
            }
            AuditVerifier.Report report = AuditVerifier.verify(directory, witnesses);
            if (!report.ok()) {
                System.out.println("broken at " + where(report.problem().orElseThrow()));
                return 1;
            }
            Optional<Source> empty = sources.stream().filter(source -> source.anchor().heads().isEmpty()).findFirst();
            if (empty.isPresent()) { // else a log could pass against one that holds nothing
                System.out.println("unchecked: " + empty.get().none());
                return 1;
            }
            Optional<String> unchecked = unchecked(report, kept, sources);
            if (unchecked.isPresent()) {
                System.out.println("unchecked: " + unchecked.get());
                return 1;
            }
            List<String> held = new ArrayList<>(); // what else the log was checked against
            if (!kept.isEmpty()) {
                held.add(count(distinct(kept, 0), "expected head"));
            }
            for (Source source : sources) { // only those past any archived segments were checked
                int checked = distinct(source.anchor().heads(), report.firstSeq());
                held.add(count(checked, "head") + " " + source.heads()
                        + (checked < distinct(source.anchor().heads(), 0) ? " outside the archived segments" : ""));
            }
            System.out.println("ok: " + report.records() + " records, " + report.firstSeq() + " to " + report.lastSeq()
                    + (held.isEmpty() ? "" : ", and holds " + String.join(" and ", held))
                    + (report.firstSeq() > 1 ? " (earlier segments are archived elsewhere)" : "")
                    + "; head " + new AuditLog.Head(report.lastSeq(), report.lastHash()).text());
            return 0;
        }

        /**
         * Whose log DIR says it is (read only when another log is to be checked against it), and the name
         * each --node-log gives itself, if it still does.
         */
        private record Roles(Optional<Owner> owner, Map<Path, Optional<String>> nodeNames) {}

        /** Whose log each log is, as its records say: a log given in the wrong role is a usage error, not a finding. */
        private Roles roles() throws IOException {
            Optional<Owner> owner = requester != null || !nodeLogs.isEmpty() ? SignedHeads.owner(directory) : Optional.empty();
            if (!nodeLogs.isEmpty() && owner.flatMap(Owner::node).isPresent()) {
                throw new ParameterException(spec.commandLine(), directory + " is " + owner.get().whose() + ": --node-log "
                        + "checks the requester's log against the heads its nodes kept of it");
            }
            if (requester != null && owner.filter(Owner::requester).isPresent()) {
                throw new ParameterException(spec.commandLine(), directory + " is the requester's log: --requester checks "
                        + "a node's log against the heads the requester kept of it (for the reverse, use --node-log)");
            }
            Optional<Owner> requesterOwner = requester == null ? Optional.empty() : SignedHeads.owner(requester);
            if (requesterOwner.flatMap(Owner::node).isPresent()) {
                throw new ParameterException(spec.commandLine(), requester + " is " + requesterOwner.get().whose()
                        + ": --requester takes the requester's log");
            }
            Map<Path, Optional<String>> nodeNames = new LinkedHashMap<>();
            for (Path nodeLog : nodeLogs) {
                Optional<Owner> nodeOwner = SignedHeads.owner(nodeLog);
                if (nodeOwner.filter(Owner::requester).isPresent()) {
                    throw new ParameterException(spec.commandLine(), nodeLog + " is the requester's log: --node-log takes "
                            + "a node's log, whose heads of DIR are checked");
                }
                nodeNames.put(nodeLog, nodeOwner.flatMap(Owner::node));
            }
            return new Roles(owner, nodeNames);
        }

        /** The other logs that hold heads of this one: the requester's, or nodes'. */
        private List<Source> sources(Roles roles) throws IOException {
            List<Source> sources = new ArrayList<>();
            if (requester != null) {
                String name = node != null ? node : roles.owner().flatMap(Owner::node).orElseThrow(() ->
                        new ParameterException(spec.commandLine(), directory + " does not say which node's log it is (its "
                                + "records naming the node were archived away); say which with --node"));
                sources.add(new Source("the requester's log", "node " + name + " signed for the requester",
                        "the requester's log holds no head that node " + name + " signed, so " + directory + " cannot be "
                                + "checked against it (a node's first head is kept at its first heartbeat; --node names the "
                                + "node when the log's own name is not to be trusted)", SignedHeads.verified(requester, name)));
            }
            for (Map.Entry<Path, Optional<String>> nodeLog : roles.nodeNames().entrySet()) {
                String log = nodeLog.getValue().map(name -> "the log of node " + name + " (" + nodeLog.getKey() + ")")
                        .orElse("the node log " + nodeLog.getKey());
                String name = nodeLog.getValue().orElse(nodeLog.getKey().toString());
                sources.add(new Source(log, "node " + name + " kept of it", log + " holds no head of the requester's log "
                        + "to check " + directory + " against (a node keeps its first at its first heartbeat)",
                        RequesterHeads.verified(nodeLog.getKey(), name)));
            }
            return sources;
        }

        /**
         * Why a log that verifies still does not show what was asked, if it does not: a witness in a
         * segment archived away cannot be checked, and a log that starts after every head another log
         * holds of it, with no archive to bridge the gap, could be a new log named to look like the rest.
         */
        private static Optional<String> unchecked(AuditVerifier.Report report, List<Witness> kept, List<Source> sources) {
            String archived = kept.stream().map(Witness::seq).filter(seq -> seq < report.firstSeq()).sorted()
                    .map(String::valueOf).collect(Collectors.joining(", "));
            Optional<Source> passed = sources.stream().filter(source -> source.anchor().newest() < report.firstSeq())
                    .findFirst();
            if (archived.isEmpty() && passed.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("the log starts at record " + report.firstSeq() + " (earlier segments are archived "
                    + "elsewhere, or removed), so it cannot show that it holds " + (archived.isEmpty()
                            ? "any of the heads " + passed.get().heads() + " (the newest is record "
                                    + passed.get().anchor().newest() + ")"
                            : "expected record " + archived) + "; verify the archived segments with the rest of the log");
        }

        /**
         * Another log that holds heads of this one: what it is and which heads, for what is printed,
         * what to say when it holds none, and the heads as read while it was verified.
         */
        private record Source(String log, String heads, String none, AuditVerifier.Anchor anchor) {}

        /**
         * The heads in {@code file}, one per line ({@code #} comments and blank lines aside), read a line
         * at a time: a file that is not one of heads (binary, not UTF-8, without newlines) is named as such.
         */
        private List<Witness> readHeads(Path file) {
            if (file.toString().isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--expect-file is empty: name a file of heads");
            }
            if (Files.isDirectory(file)) {
                throw new ParameterException(spec.commandLine(), "--expect-file " + file + " is a directory");
            }
            List<Witness> heads = new ArrayList<>();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int number = 1;
                for (int b = in.read(); b >= 0 || line.size() > 0; b = in.read()) {
                    if (b >= 0 && b != '\n') {
                        if (line.size() == MAX_HEADS_LINE) {
                            throw new ParameterException(spec.commandLine(), file + " line " + number + " is longer than "
                                    + "any head or comment (over " + MAX_HEADS_LINE + " bytes): is it a file of heads?");
                        }
                        line.write(b);
                        continue;
                    }
                    String at = file + " line " + number;
                    String decoded = utf8(line.toByteArray(), at);
                    // a byte order mark, as Notepad saves a file, is no part of the first line
                    String text = (number == 1 && decoded.startsWith("\uFEFF") ? decoded.substring(1) : decoded).strip();
                    if (!text.isEmpty() && !text.startsWith("#")) {
                        String where = file.getFileName() + " line " + number;
                        heads.add(AuditLog.Head.parse(text).map(head -> kept(head, where)).orElseThrow(() ->
                                new ParameterException(spec.commandLine(), at + ": " + ExpectedHead.notAHead(text))));
                    }
                    line.reset();
                    number++;
                    if (b < 0) {
                        break;
                    }
                }
            } catch (IOException e) { // a file's problem names the file already
                throw new ParameterException(spec.commandLine(), "Cannot read --expect-file "
                        + (e instanceof FileSystemException ? "" : file + ": ") + CoddCommand.describe(e));
            }
            return heads;
        }

        /** {@code bytes} as UTF-8 text; they are line {@code at} of a file of heads. */
        private String utf8(byte[] bytes, String at) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                boolean utf16 = bytes.length >= 2 && (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE
                        || bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF);
                throw new ParameterException(spec.commandLine(), at + (utf16
                        ? " is UTF-16 text (as Windows PowerShell 5 writes files): save the file as UTF-8"
                        : " is not UTF-8 text: is it a file of heads?"));
            }
        }

        /** How many records {@code witnesses} name from record {@code from} on: a head kept twice is one. */
        private static int distinct(List<Witness> witnesses, long from) {
            return (int) witnesses.stream().mapToLong(Witness::seq).filter(seq -> seq >= from).distinct().count();
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

        /** Why {@code value} is not a head; characters a terminal would not show are shown as escapes. */
        static String notAHead(String value) {
            StringBuilder shown = new StringBuilder();
            value.codePoints().forEach(c -> shown.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    ? String.format("\\u%04X", c) : Character.toString(c)));
            return "expected SEQ:HASH as 'codd audit head' prints it (a record's sequence number, a colon and its 64 hex "
                    + "digit SHA-256), got '" + shown + "'";
        }
    }
}
