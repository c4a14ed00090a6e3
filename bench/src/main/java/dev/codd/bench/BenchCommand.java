package dev.codd.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code codd bench}: measurements that are not tests, each printing a report and writing it to a directory. */
@Command(name = "codd bench", mixinStandardHelpOptions = true,
        description = "Measure Codd: each benchmark prints a Markdown report and writes it to --out.",
        subcommands = {TpchBenchmark.class, AuditOverhead.class, WasmOverhead.class, DockerMapOverhead.class,
                CommandLine.HelpCommand.class})
public final class BenchCommand {
    public static void main(String[] args) {
        // the clusters' own logs would drown the report
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("java.awt.headless", "true"); // charts are drawn without a display
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as users get it: enum values in any case ({@code --audit-sync interval}), and
     * a benchmark that fails says why in a line, exit code 1.
     */
    static CommandLine commandLine() {
        return new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("codd bench: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                    return 1;
                });
    }
}
