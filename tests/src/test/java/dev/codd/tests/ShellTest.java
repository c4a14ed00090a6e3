package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codd.node.LocalCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver from the tools people type into: {@code codd sql} (sqlline) with {@code -e} and
 * {@code -f}, and {@code jshell} with the driver on its class path, each in a process of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private Path root;
    private LocalCluster cluster;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        this.root = root;
        List<Path> nodes = ExtraTables.writeCities(root);
        Path numbers = Files.createDirectories(nodes.get(0).resolve("numbers"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(3000)) TO '" + numbers.resolve("part.parquet") + "'");
        }
        cluster = LocalCluster.start(nodes);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private JavaProcess sql(String... args) throws Exception {
        return sqlAt(cluster.requester().address().toString(), args);
    }

    private JavaProcess sqlAt(String url, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("sql", url));
        all.addAll(List.of(args));
        return JavaProcess.start(List.of(), "dev.codd.node.cli.CoddCommand", all.toArray(String[]::new));
    }

    @Test
    void runsStatementsGivenWithE() throws Exception {
        try (JavaProcess shell = sql("-e", "SELECT city, sum(visits) AS visits FROM cities GROUP BY city ORDER BY city")) {
            assertEquals(0, shell.waitFor(LIMIT), shell.output());
            assertTrue(shell.output().matches("(?s).*\\|\\s*Lisbon\\s*\\|\\s*3\\s*\\|.*\\|\\s*Porto\\s*\\|\\s*21\\s*\\|.*"),
                    shell.output());
        }
    }

    @Test
    void aSlowQueryShowsItsProgressUntilRowsArrive() throws Exception {
        // a billion hashes on the node that holds numbers: seconds before the one row comes
        // no terminal here, so the URL asks for the line the shell shows on one
        try (JavaProcess shell = sqlAt("jdbc:codd://" + cluster.requester().address() + "?progress=true",
                "-e", "SELECT count(*) AS matches FROM numbers a, numbers b, numbers c"
                + " WHERE hash(a.id + b.id + c.id) = 42 AND a.id < 150", "--format", "csv")) {
            assertEquals(0, shell.waitFor(LIMIT), shell.output());
            assertTrue(shell.output().contains("[0/1 fragments done, 0 rows from nodes, "), shell.output());
            assertTrue(shell.output().contains("\033[K'matches'"), "the line is erased before the rows: " + shell.output());
        }
    }

    @Test
    void runsAScriptAndFailsWithTheRealMessage() throws Exception {
        Path script = Files.writeString(root.resolve("report.sql"),
                "SELECT count(*) AS n FROM cities;\nSELECT nope FROM cities;\n");
        try (JavaProcess shell = sql("-f", script.toString(), "--format", "csv")) {
            assertEquals(1, shell.waitFor(LIMIT), shell.output());
            assertTrue(shell.output().contains("'4'"), shell.output());
            assertTrue(shell.output().contains("Column 'nope' not found in any table (state=42S22"), shell.output());
            assertFalse(shell.output().contains("\tat "), "no stack trace: " + shell.output());
        }
        try (JavaProcess shell = sql("-f", root.resolve("missing.sql").toString())) {
            assertEquals(2, shell.waitFor(LIMIT), shell.output());
            assertTrue(shell.output().contains("Cannot read"), shell.output());
        }
    }

    /** The test's class path without what jshell refuses: entries that do not exist. */
    private static String driverClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Files.exists(Path.of(entry)))
                .collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void jshellQueriesThroughTheDriver() throws Exception {
        Path script = Files.writeString(root.resolve("session.jsh"), String.join("\n",
                "import java.sql.*;",
                "var c = DriverManager.getConnection(\"" + cluster.jdbcUrl() + "\");",
                "var r = c.createStatement().executeQuery(\"SELECT city, visits FROM cities WHERE visits > 5 ORDER BY visits\");",
                "while (r.next()) System.out.println(\"row \" + r.getString(1) + \" \" + r.getInt(2));",
                "c.close();",
                "/exit", ""));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jshell").toString(),
                "--class-path", driverClassPath()));
        JavaProcess.FLAGS.forEach(flag -> command.add("-R" + flag));
        command.add(script.toString());
        Process jshell = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(jshell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(jshell.waitFor(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, jshell.exitValue(), output);
        assertTrue(output.contains("row Porto 10\nrow Porto 11\n"), output);
    }
}
