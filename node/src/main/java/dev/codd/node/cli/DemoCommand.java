package dev.codd.node.cli;

import dev.codd.node.FileTrees;
import dev.codd.node.LocalCluster;
import dev.codd.node.requester.QueryRecord;
import dev.codd.node.tpch.TpchData;
import dev.codd.node.tpch.TpchQueries;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code codd demo}: a requester and three compute nodes in this JVM over TPC-H data laid out as
 * shards, and example queries through the JDBC driver.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a requester and three compute nodes on 127.0.0.1 with TPC-H data sharded over them, "
                + "run example queries through the JDBC driver, print each result, its time, and what each node sent.")
final class DemoCommand implements Runnable {
    private static final int NODES = 3;
    private static final int SHOWN_ROWS = 10;

    /** An example query and what it shows. */
    private record Example(String title, String sql) {}

    @Option(names = "--keep", description = "Leave the cluster running after the examples and print its JDBC URL.")
    boolean keep;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where the nodes' data lives; data already there is reused (default: a temporary directory, removed at exit).")
    Path dir;

    @Option(names = "--sf", defaultValue = "0.01", paramLabel = "SCALE",
            description = "TPC-H scale factor of the generated data (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(names = "--verbose", description = "Show the cluster's log.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Logging.level(verbose ? "info" : "warn");
        if (scaleFactor <= 0) {
            throw new ParameterException(spec.commandLine(), "--sf must be positive, not " + scaleFactor);
        }
        PrintStream out = System.out;
        boolean temporary = dir == null;
        Path root = temporary ? createTempDirectory() : dir.toAbsolutePath();
        List<Path> nodeDirectories = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            nodeDirectories.add(root.resolve("node" + i));
        }
        if (nodeDirectories.stream().allMatch(DemoCommand::hasData)) {
            out.println("Using the data in " + root);
        } else {
            out.printf(Locale.ROOT, "Generating TPC-H at scale factor %s over %d nodes in %s ...%n", scaleFactor, NODES, root);
            long start = System.nanoTime();
            createDirectories(nodeDirectories);
            TpchData.writeSharded(scaleFactor, nodeDirectories);
            out.printf(Locale.ROOT, "Generated in %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
        LocalCluster cluster = LocalCluster.start(nodeDirectories);
        Runnable stop = () -> {
            cluster.close();
            if (temporary) {
                FileTrees.deleteOrWarn(root, "codd");
            }
        };
        try {
            out.println("Cluster: requester " + cluster.requester().address() + ", nodes "
                    + cluster.nodes().stream().map(n -> n.name() + " " + n.address()).collect(Collectors.joining(", ")));
            runExamples(cluster, out);
            out.println();
            out.println("Audit logs: " + LocalCluster.requesterAuditDirectory(nodeDirectories) + " (the requester's) and"
                    + " .codd/audit in each node's directory; check one with ./codd audit verify DIR, and keep its head"
                    + " elsewhere with ./codd audit head DIR"
                    + (temporary && !keep ? " (they go with the data at exit: keep both with --dir)" : ""));
        } catch (SQLException e) {
            stop.run();
            throw new dev.codd.common.CoddException(dev.codd.common.ErrorCode.INTERNAL_ERROR,
                    "example query failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        } catch (RuntimeException e) {
            stop.run();
            throw e;
        }
        if (keep) {
            out.println();
            out.println("The cluster keeps running. Connect with: " + cluster.jdbcUrl());
            out.println("Data: " + root + (temporary ? " (removed when you stop)" : ""));
            out.println("Press Ctrl-C to stop.");
            ServeCommand.awaitShutdown(stop);
        } else {
            stop.run();
        }
    }

    private static void runExamples(LocalCluster cluster, PrintStream out) throws SQLException {
        List<Example> examples = List.of(
                new Example("TPC-H Q1: pricing summary (partial aggregates on the nodes, merged at the requester)",
                        TpchQueries.query(1)),
                new Example("TPC-H Q6: forecast revenue change (one row from each node)", TpchQueries.query(6)),
                new Example("A filter (runs on the nodes; only matching rows travel)",
                        "SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice, l_shipdate FROM lineitem\n"
                                + "WHERE l_quantity = 50 AND l_discount = 0.10 AND l_shipmode = 'AIR'"),
                new Example("A group-by (each node sends one row per group, for the standard deviation too)",
                        "SELECT l_shipmode, count(*) AS line_items, sum(l_quantity) AS quantity, "
                                + "avg(l_extendedprice) AS avg_price,\nstddev_samp(l_extendedprice) AS price_spread "
                                + "FROM lineitem GROUP BY l_shipmode ORDER BY l_shipmode"),
                new Example("ORDER BY ... LIMIT (top 5 on each node, merged)",
                        "SELECT o_orderkey, o_custkey, o_orderdate, o_totalprice FROM orders\n"
                                + "ORDER BY o_totalprice DESC LIMIT 5"),
                new Example("A join (the requester joins what the nodes filtered)",
                        "SELECT n_name, count(*) AS orders, sum(o_totalprice) AS total\n"
                                + "FROM orders JOIN customer ON o_custkey = c_custkey JOIN nation ON c_nationkey = n_nationkey\n"
                                + "WHERE o_orderdate >= DATE '1998-01-01'\nGROUP BY n_name ORDER BY total DESC LIMIT 5"),
                new Example("The audit log: how the queries above ended, as the requester recorded them",
                        "SELECT seq, json_extract_string(data, '$.status') AS status, json_extract_string(data, '$.rows') AS row_count,\n"
                                + "json_extract_string(data, '$.ms') AS ms FROM sys.audit WHERE type = 'query.ended'\n"
                                + "ORDER BY seq DESC LIMIT 6"));
        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl());
                Statement statement = connection.createStatement()) {
            for (Example example : examples) {
                out.println();
                out.println("== " + example.title());
                out.println(example.sql().lines().map(line -> "   " + line).collect(Collectors.joining("\n")));
                long start = System.nanoTime();
                int rows;
                try (ResultSet result = statement.executeQuery(example.sql())) {
                    rows = printTable(result, out);
                }
                double millis = (System.nanoTime() - start) / 1e6;
                out.printf(Locale.ROOT, "%d row%s in %.1f ms%n", rows, rows == 1 ? "" : "s", millis);
                cluster.requester().queries().recent().stream()
                        .filter(record -> record.sql().equals(example.sql()))
                        .findFirst()
                        .ifPresent(record -> out.println("sent back: " + traffic(record)));
            }
        }
    }

    private static String traffic(QueryRecord record) {
        return record.traffic().stream()
                .map(t -> String.format(Locale.ROOT, "%s %d rows, %s", t.node(), t.rows(), bytes(t.bytes())))
                .collect(Collectors.joining("; "));
    }

    private static String bytes(long bytes) {
        return bytes < 1024 ? bytes + " B"
                : bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** Prints the first rows as an aligned table and returns how many rows there were. */
    private static int printTable(ResultSet result, PrintStream out) throws SQLException {
        ResultSetMetaData metaData = result.getMetaData();
        int columns = metaData.getColumnCount();
        List<String[]> lines = new ArrayList<>();
        String[] header = new String[columns];
        for (int i = 0; i < columns; i++) {
            header[i] = metaData.getColumnLabel(i + 1);
        }
        lines.add(header);
        int rows = 0;
        while (result.next()) {
            rows++;
            if (rows <= SHOWN_ROWS) {
                String[] line = new String[columns];
                for (int i = 0; i < columns; i++) {
                    String value = result.getString(i + 1);
                    line[i] = value == null ? "NULL" : value;
                }
                lines.add(line);
            }
        }
        int[] widths = new int[columns];
        for (String[] line : lines) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (int l = 0; l < lines.size(); l++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                text.append(i == 0 ? "| " : " | ").append(String.format("%-" + widths[i] + "s", lines.get(l)[i]));
            }
            out.println(text.append(" |"));
            if (l == 0) {
                out.println(Stream.of(widths).flatMapToInt(java.util.Arrays::stream)
                        .mapToObj(w -> "-".repeat(w + 2)).collect(Collectors.joining("+", "|", "|")));
            }
        }
        if (rows > SHOWN_ROWS) {
            out.println("... " + (rows - SHOWN_ROWS) + " more");
        }
        return rows;
    }

    private static boolean hasData(Path directory) {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("codd-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(List<Path> directories) {
        try {
            for (Path directory : directories) {
                Files.createDirectories(directory);
            }
        } catch (IOException e) {
            throw new dev.codd.common.CoddException(dev.codd.common.ErrorCode.INVALID_ARGUMENT,
                    "Cannot create " + directories + ": " + e.getMessage(), e);
        }
    }
}
