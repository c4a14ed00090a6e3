package dev.codd.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.codd.bench.Benchmarks.Query;
import dev.codd.common.Cid;
import dev.codd.executors.ArrowQuery;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.Input;
import dev.codd.executors.wasm.WasmFunction;
import dev.codd.executors.wasm.WasmFunctions;
import dev.codd.executors.wasm.WasmLimits;
import dev.codd.executors.wasm.WasmModules;
import dev.codd.executors.wasm.WasmType;
import dev.codd.node.FileTrees;
import dev.codd.node.LocalCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a WASM function costs: {@code x * 2 + 1} as a WASM function (one call per row, and the batch
 * convention) against the same expression in SQL, summed over a table sharded on three nodes; and,
 * on one DuckDB, the function called inside DuckDB's pipeline against the function applied to
 * Arrow batches between two DuckDB stages.
 */
@Command(name = "wasm", mixinStandardHelpOptions = true,
        description = "A WASM function against the same expression in SQL, over a table on three nodes.")
final class WasmOverhead implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "10000000", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each query, in turns (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--out", defaultValue = "bench-results", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Benchmarks.requireRows(spec, rows, 1);
        Benchmarks.requireAtLeast(spec, "--runs", runs, 1);
        Path root = Files.createTempDirectory("codd-bench-wasm");
        try {
            return run(root);
        } finally {
            FileTrees.deleteOrWarn(root, "codd bench"); // the data and the modules: the report holds all that is kept
        }
    }

    private Integer run(Path root) throws Exception {
        List<Path> nodes = Benchmarks.numbersOnThreeNodes(root, rows);
        Path perRow = module(root, "numbers");
        Path batched = module(root, "batch");
        String files = Benchmarks.numbersFiles(root);

        Map<String, String> cluster = new LinkedHashMap<>();
        cluster.put("SQL: `sum(x * 2 + 1)`", "SELECT sum(x * 2 + 1) FROM numbers");
        cluster.put("WASM, a call per row", "SELECT sum(twice_plus_one(x)) FROM numbers");
        cluster.put("WASM, a call per batch", "SELECT sum(twice_plus_one_batch(x)) FROM numbers");
        long[][] clusterNanos;
        try (LocalCluster codd = LocalCluster.start(nodes); Connection connection = DriverManager.getConnection(codd.jdbcUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE FUNCTION twice_plus_one(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                    + perRow + "'");
            statement.execute("CREATE OR REPLACE FUNCTION twice_plus_one_batch(x BIGINT) RETURNS BIGINT LANGUAGE WASM FROM '"
                    + batched + "' EXPORT 'twice_plus_one'");
            clusterNanos = measure(Benchmarks.queries(connection, cluster.values()));
        }
        long[][] aloneNanos;
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            aloneNanos = measure(List.of(() -> Benchmarks.firstLong(duckdb, "SELECT sum(x * 2 + 1) FROM '" + files + "'")));
        }
        long[][] stageNanos = measureStages(root, files, Files.readAllBytes(batched));

        Benchmarks.writeReport(out, "wasm-overhead.md",
                report(cluster.keySet().toArray(String[]::new), clusterNanos, aloneNanos[0], stageNanos));
        return 0;
    }

    /** Each query {@code runs} times, in turns; each sums {@code x * 2 + 1} over 0 .. rows - 1, which is rows². */
    private long[][] measure(List<Query> queries) throws Exception {
        return Benchmarks.measure(queries, rows * rows, runs);
    }

    /**
     * On one DuckDB: the batch function registered in DuckDB and called inside its pipeline, and the
     * same compiled code applied to the Arrow batches of one DuckDB query, streamed into a second.
     */
    private long[][] measureStages(Path root, String files, byte[] module) throws Exception {
        WasmFunction function = new WasmFunction("twice_plus_one", Cid.of(module), "twice_plus_one",
                List.of(WasmType.BIGINT), WasmType.BIGINT, false, WasmLimits.DEFAULT);
        WasmModule parsed = Parser.parse(module);
        var machines = MachineFactoryCompiler.compile(parsed);
        try (DuckDbExecutor duckdb = DuckDbExecutor.confinedTo(root); BufferAllocator allocator = new RootAllocator()) {
            new WasmFunctions(duckdb, new WasmModules(cid -> module), () -> "the benchmark").register(List.of(function));
            Query inside = () -> single(duckdb.query("SELECT sum(" + function.internalName() + "(x)) FROM '" + files + "'",
                    List.of(), allocator, 65_536));
            Query between = () -> {
                try (ArrowQuery scan = duckdb.query("SELECT x FROM '" + files + "'", List.of(), allocator, 65_536)) {
                    Instance instance = Instance.builder(parsed).withMachineFactory(machines).build();
                    ArrowReader staged = new WasmStage(allocator, scan.reader(), instance);
                    return single(duckdb.query("SELECT sum(y) FROM staged", List.of(new Input.Arrow("staged", staged)),
                            allocator, 65_536));
                }
            };
            return measure(List.of(inside, between));
        }
    }

    private static long single(ArrowQuery query) throws IOException {
        try (query) {
            ArrowReader reader = query.reader();
            reader.loadNextBatch();
            return ((Number) reader.getVectorSchemaRoot().getVector(0).getObject(0)).longValue();
        }
    }

    /** The WASM batch function over each Arrow batch of BIGINTs, as a stream of batches of its results. */
    private static final class WasmStage extends ArrowReader {
        private final ArrowReader source;
        private final Instance instance;
        private final ExportFunction alloc;
        private final ExportFunction dealloc;
        private final ExportFunction batch;

        WasmStage(BufferAllocator allocator, ArrowReader source, Instance instance) {
            super(allocator);
            this.source = source;
            this.instance = instance;
            this.alloc = instance.export(WasmModules.ALLOC);
            this.dealloc = instance.export(WasmModules.DEALLOC);
            this.batch = instance.export("twice_plus_one" + WasmModules.BATCH_SUFFIX);
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            if (!source.loadNextBatch()) {
                return false;
            }
            BigIntVector in = (BigIntVector) source.getVectorSchemaRoot().getVector(0);
            int count = in.getValueCount();
            byte[] values = new byte[count * 8];
            in.getDataBuffer().getBytes(0, values);
            int input = (int) alloc.apply(values.length)[0];
            int output = (int) alloc.apply(values.length)[0];
            instance.memory().write(input, values);
            batch.apply(input, output, count);
            VectorSchemaRoot root = getVectorSchemaRoot();
            BigIntVector out = (BigIntVector) root.getVector(0);
            out.allocateNew(count);
            out.getDataBuffer().setBytes(0, instance.memory().readBytes(output, values.length));
            out.getValidityBuffer().setBytes(0, in.getValidityBuffer(), 0, BitVectorHelper.getValidityBufferSize(count));
            out.setValueCount(count);
            root.setRowCount(count);
            dealloc.apply(input, values.length);
            dealloc.apply(output, values.length);
            return true;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() throws IOException {
            source.close();
        }

        @Override
        protected Schema readSchema() {
            return new Schema(List.of(Field.nullable("y", new ArrowType.Int(64, true))));
        }
    }

    /** A module the build made from examples/wasm, copied out of the class path for CREATE FUNCTION to read. */
    private static Path module(Path root, String name) throws IOException {
        try (InputStream in = WasmOverhead.class.getResourceAsStream("/wasm/" + name + ".wasm")) {
            if (in == null) {
                throw new IllegalStateException("The example WASM modules were not built: install wabt, clang and lld,"
                        + " then build again (mvn -pl bench -am install)");
            }
            Path file = root.resolve(name + ".wasm");
            Files.copy(in, file);
            return file;
        }
    }

    private String report(String[] names, long[][] cluster, long[] alone, long[][] stages) {
        double sql = Benchmarks.median(cluster[0]);
        StringBuilder report = new StringBuilder("# WASM function overhead\n\n");
        report.append(String.format(Locale.ROOT, "%s, %d cores, Java %s. `x * 2 + 1` summed over %,d BIGINTs in Parquet, "
                        + "sharded over three nodes of a local cluster and queried through JDBC; each figure is the median "
                        + "of %d runs after two untimed ones, the queries in turns.%n%n",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), rows, runs));
        report.append("| query | median ms | min–max ms | ratio to SQL |\n|---|---|---|---|\n");
        for (int q = 0; q < names.length; q++) {
            report.append(Benchmarks.row(names[q], cluster[q], sql));
        }
        report.append(Benchmarks.row("DuckDB alone, SQL, same files", alone, sql));
        report.append("\nHow the function joins DuckDB, on one DuckDB over the same files, with the batch convention:\n\n")
                .append("| approach | median ms | min–max ms | ratio to inside |\n|---|---|---|---|\n")
                .append(Benchmarks.row("inside DuckDB's pipeline (a registered scalar function)", stages[0], Benchmarks.median(stages[0])))
                .append(Benchmarks.row("between two DuckDB stages over Arrow", stages[1], Benchmarks.median(stages[0])));
        return report.toString();
    }

}
