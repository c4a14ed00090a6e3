package dev.codd.node.cli;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sqlline.SqlLine;

/** {@code codd sql [URL]}: sqlline on the Codd driver, interactive or over a script. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"An SQL shell on a Codd cluster (sqlline: history, completion, !help), or a script with -e or -f.",
            "Exit code 1 when a statement fails, with its error."})
final class SqlCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", defaultValue = "jdbc:codd://127.0.0.1:7600",
            description = "The requester: a JDBC URL or HOST:PORT (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Run these statements (separated by ;) and exit.")
    String execute;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements in FILE and exit.")
    Path file;

    @Option(names = {"-n", "--user"}, paramLabel = "USER", description = "Who connects, as the audit log records it.")
    String user = System.getProperty("user.name", "");

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "How rows are shown: table, vertical, csv, tsv, json, xmlattr (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (execute != null && file != null) {
            throw new ParameterException(spec.commandLine(), "Give -e or -f, not both");
        }
        if (file != null && !Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "Cannot read " + file);
        }
        List<String> args = new ArrayList<>(List.of("-u", withProgress(url.startsWith("jdbc:") ? url : "jdbc:codd://" + url),
                "-d", "dev.codd.jdbc.CoddDriver", "-n", user, "-p", "", "--outputFormat=" + format,
                "--maxWidth=" + Math.max(80, terminalWidth()), "--isolation=TRANSACTION_NONE", "--verbose=false",
                "--showNestedErrs=false"));
        if (execute != null) {
            args.addAll(List.of("-e", execute));
        } else if (file != null) {
            args.addAll(List.of("-f", file.toString()));
        }
        System.setProperty("sqlline.system.exit", "true"); // sqlline returns its status instead of exiting
        if (System.console() == null) {
            System.setProperty("org.jline.terminal.dumb", "true"); // a script's output, no terminal to ask for
        }
        reportErrorsWithoutStackTraces();
        SqlLine.Status status = SqlLine.start(args.toArray(String[]::new), null, execute == null && file == null);
        return status == SqlLine.Status.OK ? 0 : 1;
    }

    /**
     * sqlline 1.12 prints a stack trace under each error of an -e or -f statement, whatever
     * --verbose says, because it runs them before it counts itself initialized: mark it initialized.
     */
    private static void reportErrorsWithoutStackTraces() {
        try {
            Field initComplete = SqlLine.class.getDeclaredField("initComplete");
            initComplete.setAccessible(true);
            initComplete.setBoolean(null, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another sqlline: its errors may come with stack traces, and are still reported
        }
    }

    /**
     * The URL with {@code progress=true} on a terminal, unless it says otherwise: a slow query shows
     * how far it has come. Without a terminal the line could not be erased, and would stay in the output.
     */
    private static String withProgress(String jdbcUrl) {
        if (jdbcUrl.contains("progress=") || System.console() == null) {
            return jdbcUrl;
        }
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "progress=true";
    }

    private static int terminalWidth() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "160"));
        } catch (NumberFormatException e) {
            return 160;
        }
    }
}
