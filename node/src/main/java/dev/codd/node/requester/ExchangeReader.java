package dev.codd.node.requester;

import dev.codd.common.CoddException;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of one exchange: the batches its fragments send, in the order they arrive from the
 * nodes, which send in parallel. A bounded queue passes the requester's pace back to the nodes.
 * Either the root DuckDB reads it as a table or, when the plan has no root work, the client does.
 */
final class ExchangeReader extends ArrowReader {
    private static final int BATCHES_PER_FRAGMENT = 2;

    private sealed interface Item {}

    private record Batch(ArrowRecordBatch batch) implements Item {}

    private record End() implements Item {}

    private final Schema schema;
    private final BlockingQueue<Item> queue;
    private final AtomicLong bytes = new AtomicLong();
    private int running;
    private volatile CoddException failure;
    private volatile boolean closed;

    ExchangeReader(BufferAllocator allocator, Schema schema, int fragments) {
        super(allocator);
        this.schema = schema;
        this.running = fragments;
        this.queue = new LinkedBlockingQueue<>(Math.max(4, BATCHES_PER_FRAGMENT * fragments));
    }

    /** Hands a fragment's batch over, waiting while the reader is behind; false when nobody reads any more. */
    boolean offer(ArrowRecordBatch batch) throws InterruptedException {
        while (!closed && failure == null) {
            if (queue.offer(new Batch(batch), 100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    drain(); // closed while we offered: nobody will take it
                }
                return true;
            }
        }
        return false;
    }

    /** A fragment sent its last batch. */
    void finished() throws InterruptedException {
        while (!closed && failure == null) {
            if (queue.offer(new End(), 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /** The exchange fails; the reader throws {@code error} instead of returning more rows. */
    void fail(CoddException error) {
        if (failure == null) {
            failure = error;
        }
        drain();
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        while (running > 0) {
            CoddException failed = failure;
            if (failed != null) {
                throw new IOException(failed.getMessage(), failed);
            }
            if (closed) {
                throw new IOException("The exchange was closed");
            }
            Item item;
            try {
                item = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for nodes", e);
            }
            if (item instanceof Batch batch) {
                try (ArrowRecordBatch records = batch.batch()) {
                    new VectorLoader(getVectorSchemaRoot()).load(records);
                    bytes.addAndGet(records.computeBodyLength());
                }
                return true;
            } else if (item instanceof End) {
                running--;
            }
        }
        return false;
    }

    @Override
    public long bytesRead() {
        return bytes.get();
    }

    @Override
    protected void closeReadSource() {
        closed = true;
        drain();
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }

    private void drain() {
        for (Item item = queue.poll(); item != null; item = queue.poll()) {
            if (item instanceof Batch batch) {
                batch.batch().close();
            }
        }
    }
}
