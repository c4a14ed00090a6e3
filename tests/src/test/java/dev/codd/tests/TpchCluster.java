package dev.codd.tests;

import dev.codd.node.LocalCluster;
import dev.codd.node.compute.Cid;
import dev.codd.node.tpch.TpchData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * TPC-H at scale factor 0.01 laid out over three compute nodes as the demo lays it, a requester in
 * front, and the oracle: one DuckDB over the same Parquet files. Started once for every test class
 * that asks for it (as a parameter) and closed when the test run ends.
 */
public final class TpchCluster implements AutoCloseable {
    private final Path root;
    private final List<Path> nodeDirectories;
    private final LocalCluster cluster;
    private final Connection oracle;

    private TpchCluster(Path root, List<Path> nodeDirectories, LocalCluster cluster, Connection oracle) {
        this.root = root;
        this.nodeDirectories = nodeDirectories;
        this.cluster = cluster;
        this.oracle = oracle;
    }

    static TpchCluster start(double scaleFactor) throws IOException, SQLException {
        Path root = Files.createTempDirectory("codd-tpch-test");
        List<Path> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(Files.createDirectories(root.resolve("node" + i)));
        }
        TpchData.writeSharded(scaleFactor, nodes);
        Connection oracle = oracleOver(nodes);
        return new TpchCluster(root, nodes, LocalCluster.start(nodes), oracle);
    }

    /** One DuckDB with a view per table over its distinct files (a replica is read once). */
    static Connection oracleOver(List<Path> nodeDirectories) throws IOException, SQLException {
        Map<String, Map<String, Path>> filesByTable = new TreeMap<>();
        for (Path node : nodeDirectories) {
            try (Stream<Path> files = Files.walk(node)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).sorted().toList()) {
                    String table = node.relativize(file).getName(0).toString();
                    filesByTable.computeIfAbsent(table, t -> new LinkedHashMap<>()).putIfAbsent(Cid.of(file), file);
                }
            }
        }
        Connection oracle = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = oracle.createStatement()) {
            for (Map.Entry<String, Map<String, Path>> table : filesByTable.entrySet()) {
                String files = table.getValue().values().stream().map(f -> "'" + f + "'")
                        .collect(Collectors.joining(", ", "[", "]"));
                statement.execute("CREATE VIEW \"" + table.getKey() + "\" AS SELECT * FROM read_parquet(" + files + ")");
            }
        }
        return oracle;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public List<Path> nodeDirectories() {
        return nodeDirectories;
    }

    public Connection oracle() {
        return oracle;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(cluster.jdbcUrl());
    }

    @Override
    public void close() throws Exception {
        oracle.close();
        cluster.close();
        Files.walk(root).sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Hands the shared cluster to test constructors and methods that declare a {@link TpchCluster} parameter. */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TpchCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .computeIfAbsent(TpchCluster.class, key -> {
                        try {
                            return start(0.01);
                        } catch (IOException | SQLException e) {
                            throw new IllegalStateException("Cannot start the TPC-H cluster", e);
                        }
                    }, TpchCluster.class);
        }
    }
}
