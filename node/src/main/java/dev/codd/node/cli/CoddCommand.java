package dev.codd.node.cli;

import dev.codd.common.CoddException;
import dev.codd.node.Version;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code codd}: run a cluster's pieces, or the demo. */
@Command(name = "codd",
        description = "Codd: SQL over data that stays on the machines that hold it.",
        mixinStandardHelpOptions = true,
        versionProvider = CoddCommand.VersionProvider.class,
        subcommands = {ServeCommand.class, DemoCommand.class, SqlCommand.class, AuditCommand.class, JobCommand.class,
            CommandLine.HelpCommand.class})
public final class CoddCommand {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 done, 1 failed, 2 bad usage. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new CoddCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true); // --audit-sync interval, as users write it
        // a message, not a stack trace: what failed and why is what a user can act on
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("codd: " + describe(e));
            return 1;
        });
        return commandLine.execute(args);
    }

    /** What went wrong, for a person: a file's problem names the file and says why in words, not in Java's class names. */
    static String describe(Throwable e) {
        if (e instanceof CoddException) {
            return e.getMessage();
        }
        if (e instanceof FileSystemException problem) {
            String why = problem instanceof NoSuchFileException ? "no such file or directory"
                    : problem instanceof AccessDeniedException ? "permission denied"
                    : problem.getReason() != null ? problem.getReason() : problem.getClass().getSimpleName();
            return problem.getFile() == null ? why : problem.getFile() + ": " + why;
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The version the build wrote. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"codd " + Version.current()};
        }
    }
}
