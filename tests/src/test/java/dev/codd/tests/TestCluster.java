package dev.codd.tests;

import dev.codd.node.LocalCluster;
import dev.codd.common.Cid;
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
 * A cluster over test data in one of a few layouts, a requester in front, and the oracle: one
 * DuckDB over the same Parquet files. Each layout starts once for the test classes that ask for it
 * and is closed when the test run ends.
 */
public final class TestCluster implements AutoCloseable {
    /** How the data lies on the nodes. */
    public enum Layout {
        /** TPC-H SF 0.01 as the demo lays it over three nodes, plus the NULL-heavy and empty tables. */
        SHARDED(3, 0.01, true),
        /** The same files, all on one node: a layout must not change an answer. */
        SINGLE_NODE(1, 0.01, true),
        /** TPC-H SF 0.1 over three nodes. */
        SHARDED_SF_0_1(3, 0.1, false);

        final int nodes;
        final double scaleFactor;
        final boolean extraTables;

        Layout(int nodes, double scaleFactor, boolean extraTables) {
            this.nodes = nodes;
            this.scaleFactor = scaleFactor;
            this.extraTables = extraTables;
        }
    }

    private final Path root;
    private final List<Path> nodeDirectories;
    private final LocalCluster cluster;
    private final Connection oracle;

    private TestCluster(Path root, List<Path> nodeDirectories, LocalCluster cluster, Connection oracle) {
        this.root = root;
        this.nodeDirectories = nodeDirectories;
        this.cluster = cluster;
        this.oracle = oracle;
    }

    static TestCluster start(Layout layout) throws IOException, SQLException {
        Path root = Files.createTempDirectory("codd-test-" + layout.name().toLowerCase(java.util.Locale.ROOT));
        List<Path> shards = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            shards.add(Files.createDirectories(root.resolve("shards" + i)));
        }
        TpchData.writeSharded(layout.scaleFactor, shards);
        if (layout.extraTables) {
            ExtraTables.write(shards);
        }
        List<Path> nodes = new ArrayList<>();
        for (int i = 1; i <= layout.nodes; i++) {
            nodes.add(root.resolve("node" + i));
        }
        for (int i = 0; i < shards.size(); i++) {
            Path target = nodes.get(i % nodes.size());
            if (layout.nodes == shards.size()) {
                Files.move(shards.get(i), target);
            } else {
                // several shard directories on one node: their files move there under distinct names,
                // without the partition manifests, which name the files as they were
                moveShards(shards.get(i), target, "s" + (i + 1) + "-");
            }
        }
        Connection oracle = oracleOver(nodes);
        return new TestCluster(root, nodes, LocalCluster.start(nodes), oracle);
    }

    private static void moveShards(Path from, Path to, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("_"))
                    .toList()) {
                Path relative = from.relativize(file);
                Path target = to.resolve(relative.getParent() == null ? Path.of("") : relative.getParent())
                        .resolve(prefix + file.getFileName());
                Files.createDirectories(target.getParent());
                Files.move(file, target);
            }
        }
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

    /**
     * Hands a shared cluster to test constructors and methods that declare a {@link TestCluster}
     * parameter: the layout of the class's {@link UsesLayout}, or {@link Layout#SHARDED}.
     */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Layout layout = context.getRequiredTestClass().isAnnotationPresent(UsesLayout.class)
                    ? context.getRequiredTestClass().getAnnotation(UsesLayout.class).value()
                    : Layout.SHARDED;
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .computeIfAbsent(layout, key -> {
                        try {
                            return start(layout);
                        } catch (IOException | SQLException e) {
                            throw new IllegalStateException("Cannot start the " + layout + " cluster", e);
                        }
                    }, TestCluster.class);
        }
    }

    /** The layout a test class runs on. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @java.lang.annotation.Inherited
    public @interface UsesLayout {
        Layout value();
    }
}
