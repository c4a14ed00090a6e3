package dev.codd.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster as users run one: a requester and a compute node per data directory, each its own JVM
 * started with {@code codd serve}, from this JVM's class path. Their logs go to files under the
 * work directory; their peak memory is read from {@code /proc}.
 */
final class ProcessCluster implements AutoCloseable {
    private static final List<String> FLAGS = List.of("--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
            "--sun-misc-unsafe-memory-access=allow");
    private static final Pattern URL = Pattern.compile("(jdbc:codd://\\S+)");

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final String url;

    private ProcessCluster(Path work, List<Path> dataDirectories) throws IOException, InterruptedException {
        Files.createDirectories(work);
        try {
            Process requester = start("requester", work, "serve", "requester", "--port", "0", "--audit",
                    work.resolve("requester-audit").toString(), "--functions", work.resolve("functions").toString());
            url = awaitUrl(requester, work.resolve("requester.log"));
            String join = url.substring("jdbc:codd://".length());
            for (int i = 0; i < dataDirectories.size(); i++) {
                String name = "node" + (i + 1);
                start(name, work, "serve", "compute", "--data", dataDirectories.get(i).toString(), "--join", join,
                        "--name", name, "--audit", work.resolve(name + "-audit").toString());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts the cluster and waits until every node is up and the requester sees {@code expectedRows}
     * rows in {@code table}: all shards of the data have arrived.
     */
    static ProcessCluster start(Path work, List<Path> dataDirectories, String table, long expectedRows)
            throws IOException, InterruptedException, SQLException {
        ProcessCluster cluster = new ProcessCluster(work, dataDirectories);
        try (Connection connection = DriverManager.getConnection(cluster.url)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (Benchmarks.firstLong(connection, "SELECT count(*) FROM sys.nodes WHERE state = 'up'") < dataDirectories.size()
                    || Benchmarks.firstLong(connection, "SELECT coalesce(sum(row_count), 0) FROM sys.tables WHERE name = '" + table + "'")
                    != expectedRows) {
                if (System.nanoTime() > deadline) {
                    cluster.close();
                    throw new IllegalStateException("The cluster did not come up with all of " + table + " within 2 minutes; "
                            + "see the logs in " + work);
                }
                Thread.sleep(200);
            }
        } catch (SQLException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String jdbcUrl() {
        return url;
    }

    /** Each process's peak resident memory (VmHWM), in bytes, by its name. */
    Map<String, Long> peakMemory() {
        Map<String, Long> peaks = new LinkedHashMap<>();
        processes.forEach((name, process) -> peaks.put(name, peakMemory(process.pid())));
        return peaks;
    }

    /** The peak resident memory of process {@code pid} so far; 0 where {@code /proc} does not tell. */
    static long peakMemory(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private Process start(String name, Path work, String... args) throws IOException {
        List<String> command = new ArrayList<>(java("dev.codd.node.cli.CoddCommand"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
        processes.put(name, process);
        return process;
    }

    /** The command that runs {@code mainClass} in a JVM like this one, from its class path. */
    static List<String> java(String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLAGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /** The URL the requester prints once it listens. */
    private static String awaitUrl(Process requester, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!requester.isAlive()) {
                throw new IllegalStateException("The requester stopped: " + Files.readString(log));
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(Files.newInputStream(log),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher url = URL.matcher(line);
                    if (line.contains("listening") && url.find()) {
                        return url.group(1);
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The requester did not start within 60 s; see " + log);
    }

    @Override
    public void close() {
        List<CompletableFuture<Process>> exits = new ArrayList<>();
        for (Process process : processes.values()) {
            process.destroy();
            exits.add(process.onExit());
        }
        for (int i = 0; i < exits.size(); i++) {
            try {
                exits.get(i).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                new ArrayList<>(processes.values()).get(i).destroyForcibly();
            }
        }
    }
}
