package dev.codd.executors.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.codd.common.CoddException;
import dev.codd.common.ContainerCall;
import dev.codd.common.DeclaredColumn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a container writes to stdout, read as Arrow batches of the declared columns, as DuckDB pulls
 * them. At the end of its output the container must have exited with 0; output that does not
 * match the declared schema fails, naming the line and the column.
 */
final class ContainerOutput extends ArrowReader {
    private static final ObjectReader JSON = new ObjectMapper().readerFor(JsonNode.class);

    private final ContainerRun run;
    private final ContainerCall call;
    private final int batchRows;
    private final Consumer<CoddException> failures;
    /** Checks, once the output has ended, that the whole input went in. */
    private final Runnable inputEnded;
    private final TextInput text;
    private ArrowStreamReader arrow;
    private long line;
    private boolean headerRead;
    private boolean ended;

    ContainerOutput(ContainerRun run, ContainerCall call, BufferAllocator allocator, int batchRows,
            Consumer<CoddException> failures, Runnable inputEnded) {
        super(allocator);
        this.inputEnded = inputEnded;
        this.run = run;
        this.call = call;
        this.batchRows = batchRows;
        this.failures = failures;
        this.text = call.format() == ContainerCall.Format.ARROW ? null : new TextInput(run.stdout());
    }

    @Override
    protected Schema readSchema() {
        return DeclaredVectors.schema(call.output());
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        if (ended) {
            return false;
        }
        try {
            prepareLoadNextBatch();
            VectorSchemaRoot root = getVectorSchemaRoot();
            int rows = call.format() == ContainerCall.Format.ARROW ? readArrow(root) : readText(root);
            if (rows == 0) {
                ended = true;
                run.awaitSuccess();
                inputEnded.run();
                return false;
            }
            return true;
        } catch (CoddException e) {
            failures.accept(e);
            throw new IOException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            CoddException mismatch = run.failure("wrote output that does not match output_schema at line " + line + ": "
                    + e.getMessage());
            run.kill("its output did not match output_schema");
            failures.accept(mismatch);
            throw new IOException(mismatch.getMessage(), mismatch);
        }
    }

    private int readText(VectorSchemaRoot root) throws IOException {
        root.allocateNew();
        List<FieldVector> vectors = root.getFieldVectors();
        int rows = 0;
        while (rows < batchRows) {
            List<String> values = call.format() == ContainerCall.Format.CSV ? csvRecord() : jsonRecord();
            if (values == null) {
                break;
            }
            for (int column = 0; column < vectors.size(); column++) {
                DeclaredVectors.set(vectors.get(column), call.output().get(column), rows, values.get(column));
            }
            rows++;
        }
        root.setRowCount(rows);
        return rows;
    }

    /** The next record's values in declared order; the first line must be the header naming the declared columns. */
    private List<String> csvRecord() throws IOException {
        while (true) {
            List<String> record = Csv.readRecord(text, this::countLine);
            if (record == null) {
                return null;
            }
            if (record.size() == 1 && record.get(0) == null) {
                continue; // an empty line
            }
            if (!headerRead) {
                checkHeader(record);
                headerRead = true;
                continue;
            }
            if (record.size() != call.output().size()) {
                throw new IllegalArgumentException(record.size() + " values where output_schema declares "
                        + call.output().size() + " columns");
            }
            return record;
        }
    }

    private void checkHeader(List<String> header) {
        List<String> declared = call.output().stream().map(column -> column.name().toLowerCase(Locale.ROOT)).toList();
        List<String> written = header.stream().map(name -> name == null ? "" : name.strip().toLowerCase(Locale.ROOT))
                .toList();
        if (!written.equals(declared)) {
            throw new IllegalArgumentException("the CSV header is '" + String.join(",", written)
                    + "', output_schema declares " + String.join(", ", declared)
                    + " (the first line a container writes names its columns)");
        }
    }

    private void countLine() {
        line++;
    }

    private List<String> jsonRecord() throws IOException {
        String row;
        do {
            row = boundedLine();
            if (row == null) {
                return null;
            }
            line++;
        } while (row.isBlank());
        JsonNode object;
        try {
            object = JSON.readTree(row);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON object: " + DockerEngine.firstLine(e));
        }
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<String> values = new ArrayList<>(call.output().size());
        for (DeclaredColumn column : call.output()) {
            JsonNode value = object.get(column.name());
            values.add(value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString());
        }
        return values;
    }

    /** The next line, at most {@link Csv#MAX_RECORD_CHARS} long; null at the end. */
    private String boundedLine() throws IOException {
        StringBuilder row = new StringBuilder();
        int c = text.read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            if (row.length() == Csv.MAX_RECORD_CHARS) {
                throw new IllegalArgumentException("a line longer than " + (Csv.MAX_RECORD_CHARS >> 20) + " MiB");
            }
            row.append((char) c);
            c = text.read();
        }
        return row.toString();
    }

    private int readArrow(VectorSchemaRoot root) throws IOException {
        if (arrow == null) {
            arrow = new ArrowStreamReader(run.stdout(), allocator);
            List<Field> written = arrow.getVectorSchemaRoot().getSchema().getFields();
            List<Field> declared = root.getSchema().getFields();
            boolean matches = written.size() == declared.size();
            for (int i = 0; matches && i < written.size(); i++) {
                matches = written.get(i).getType().equals(declared.get(i).getType());
            }
            if (!matches) {
                throw new IllegalArgumentException("the Arrow stream's columns are " + written.stream()
                        .map(field -> field.getName() + " " + field.getType()).toList() + ", output_schema declares "
                        + declared.stream().map(field -> field.getName() + " " + field.getType()).toList());
            }
        }
        if (!arrow.loadNextBatch()) {
            return 0;
        }
        VectorSchemaRoot batch = arrow.getVectorSchemaRoot();
        for (int i = 0; i < batch.getFieldVectors().size(); i++) {
            batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
        }
        root.setRowCount(batch.getRowCount());
        return batch.getRowCount() == 0 ? readArrow(root) : batch.getRowCount();
    }

    @Override
    public long bytesRead() {
        return 0; // the node counts what it sends, not what containers write
    }

    @Override
    protected void closeReadSource() throws IOException {
        if (arrow != null) {
            arrow.close();
        }
    }
}
