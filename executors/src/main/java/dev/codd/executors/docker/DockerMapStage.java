package dev.codd.executors.docker;

import dev.codd.common.CoddException;
import dev.codd.common.ContainerCall;
import dev.codd.common.ErrorCode;
import dev.codd.executors.ArrowQuery;
import dev.codd.executors.Cancellation;
import dev.codd.executors.DuckDbErrors;
import dev.codd.executors.Input;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One docker_map on one node: the rows of an input query stream into a container's stdin (on a
 * thread of their own) while its stdout is read as the rows of a table DuckDB reads. The first
 * failure of any part is kept, to be the query's error.
 */
public final class DockerMapStage implements AutoCloseable {
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final ContainerRun run;
    private final ContainerCall call;
    private final ArrowQuery input;
    /** Stops the input query: the fragment may end before it has read the whole output (a LIMIT). */
    private final Cancellation inputCancellation;
    private final AtomicReference<CoddException> failure = new AtomicReference<>();
    private final Thread feeder;

    private DockerMapStage(ContainerRun run, ContainerCall call, ArrowQuery input, Cancellation inputCancellation) {
        this.inputCancellation = inputCancellation;
        this.run = run;
        this.call = call;
        this.input = input;
        this.feeder = new Thread(this::feed, "codd-docker-input-" + run.id().substring(0, 12));
        feeder.setDaemon(true);
    }

    /**
     * The input query's SQL for the container's format: every column as text for CSV, each row as a
     * JSON object for JSONL (DuckDB writes both), the rows as they are for Arrow.
     */
    public static String inputSql(String sql, ContainerCall.Format format) {
        return switch (format) {
            case CSV -> "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (" + sql + ") AS docker_input";
            case JSONL -> "SELECT CAST(to_json(docker_input) AS VARCHAR) FROM (" + sql + ") AS docker_input";
            case ARROW -> sql;
        };
    }

    /**
     * Starts a container of {@code image} for {@code call} and feeds it {@code input} (the rows of
     * {@link #inputSql}, started with {@code inputCancellation}), which the stage then owns.
     */
    public static DockerMapStage start(DockerEngine engine, DockerEngine.Image image, ContainerCall call,
            Map<String, String> env, UnaryOperator<String> redact, ArrowQuery input, Cancellation inputCancellation,
            String purpose) {
        ContainerRun run;
        try {
            run = engine.start(image, call.command(), env, redact, purpose);
        } catch (RuntimeException e) {
            input.close();
            throw e;
        }
        DockerMapStage stage = new DockerMapStage(run, call, input, inputCancellation);
        stage.feeder.start();
        return stage;
    }

    /** The container's output as the table {@code name}, read in batches of at most {@code batchRows} rows. */
    public Input.Arrow output(String name, BufferAllocator allocator, int batchRows) {
        return new Input.Arrow(name, new ContainerOutput(run, call, allocator, batchRows, this::failed, this::inputEnded));
    }

    /** At the end of the output: the whole input went in, or the stage fails with why it did not. */
    private void inputEnded() {
        try {
            feeder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoddException(ErrorCode.QUERY_CANCELLED, "Interrupted while the container's input ended");
        }
        failure().ifPresent(failed -> {
            throw failed;
        });
    }

    /** What went wrong first, if anything did: a failed input query, a failed container, output off the schema. */
    public Optional<CoddException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops the container, for a query that is cancelled. */
    public void stop() {
        run.kill("the query was cancelled");
    }

    private void failed(CoddException e) {
        failure.compareAndSet(null, e);
    }

    /**
     * Streams the input into the container's stdin and ends it there. A failure is recorded and the
     * container killed before stdin closes: a container that saw its input end cleanly could
     * exit 0 over part of the rows.
     */
    private void feed() {
        OutputStream stdin = new BufferedOutputStream(run.stdin(), 1 << 16);
        try (input) {
            write(stdin);
            stdin.close();
        } catch (IOException e) {
            // the container closed its stdin before reading all of it: how it ends tells whether that was wrong
        } catch (InputFailed e) {
            stopFeeding(e.failure, "its input failed");
        } catch (RuntimeException | Error e) {
            stopFeeding(new CoddException(ErrorCode.INTERNAL_ERROR, "Feeding the container failed: " + e, e),
                    "feeding it failed");
        }
    }

    private void stopFeeding(CoddException failure, String why) {
        failed(failure);
        run.kill(why);
    }

    private void write(OutputStream stdin) throws IOException, InputFailed {
        ArrowReader reader = input.reader();
        VectorSchemaRoot root = schemaOf(reader);
        if (call.format() == ContainerCall.Format.ARROW) {
            ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(stdin));
            writer.start();
            while (next(reader)) {
                writer.writeBatch();
            }
            writer.end();
        } else {
            if (call.format() == ContainerCall.Format.CSV) {
                List<Field> fields = root.getSchema().getFields();
                for (int column = 0; column < fields.size(); column++) {
                    if (column > 0) {
                        stdin.write(',');
                    }
                    Csv.writeField(stdin, fields.get(column).getName().getBytes(StandardCharsets.UTF_8));
                }
                stdin.write('\n');
            }
            while (next(reader)) {
                writeText(root, stdin);
            }
            stdin.flush();
        }
    }

    private static VectorSchemaRoot schemaOf(ArrowReader reader) throws InputFailed {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException | RuntimeException e) {
            throw new InputFailed(DuckDbErrors.translate(e));
        }
    }

    private static boolean next(ArrowReader reader) throws InputFailed {
        try {
            return reader.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw new InputFailed(e instanceof CoddException codd ? codd : DuckDbErrors.translate(e));
        }
    }

    /** Each row as a line: its text columns (the input SQL casts them) as CSV, or its JSON object; bytes as DuckDB wrote them. */
    private void writeText(VectorSchemaRoot root, OutputStream stdin) throws IOException {
        List<VarCharVector> columns = root.getFieldVectors().stream().map(VarCharVector.class::cast).toList();
        boolean csv = call.format() == ContainerCall.Format.CSV;
        for (int row = 0; row < root.getRowCount(); row++) {
            for (int column = 0; column < columns.size(); column++) {
                VarCharVector vector = columns.get(column);
                byte[] value = vector.isNull(row) ? null : vector.get(row);
                if (csv) {
                    if (column > 0) {
                        stdin.write(',');
                    }
                    Csv.writeField(stdin, value);
                } else {
                    stdin.write(value == null ? JSON_NULL : value); // a row's JSON object is never NULL
                }
            }
            stdin.write('\n');
        }
    }

    /** The input query failed: the stage fails with its error. */
    private static final class InputFailed extends Exception {
        private final CoddException failure;

        InputFailed(CoddException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    /** Stops the input query, stops and removes the container, and waits for the input to stop. */
    @Override
    public void close() {
        inputCancellation.cancel();
        run.close();
        try {
            feeder.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
