package dev.codd.node.compute;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.ArrowQuery;
import dev.codd.executors.Cancellation;
import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.Input;
import dev.codd.executors.docker.DockerEngine;
import dev.codd.executors.docker.DockerMapStage;
import dev.codd.executors.docker.DockerSettings;
import dev.codd.executors.docker.Secrets;
import dev.codd.planner.DockerStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;

/** A node's containers: whether it can run them, which images it accepts, and the docker_map stages of a fragment. */
final class Containers implements AutoCloseable {
    private final String node;
    private final Optional<DockerEngine> engine;
    /** Why the node runs no containers, when it does not. */
    private final String unavailable;
    private final Secrets secrets;

    private Containers(String node, Optional<DockerEngine> engine, String unavailable, Secrets secrets) {
        this.node = node;
        this.engine = engine;
        this.unavailable = unavailable;
        this.secrets = secrets;
    }

    /** Connects to the engine {@code settings} name; without settings, the node runs no containers. */
    static Containers connect(String node, DockerSettings settings, Secrets secrets) {
        if (settings == null) {
            return new Containers(node, Optional.empty(), "it was started without Docker (see --docker-image)", secrets);
        }
        DockerEngine.Connection connection = DockerEngine.connect(settings, node);
        return new Containers(node, connection.engine(), connection.reason(), secrets);
    }

    /** The node's containers once the node has started (it knows its name then). */
    static Containers started(AtomicReference<Containers> reference) {
        Containers started = reference.get();
        if (started == null) {
            throw new CoddException(ErrorCode.NODE_UNAVAILABLE, "The node is starting");
        }
        return started;
    }

    boolean available() {
        return engine.isPresent();
    }

    String node() {
        return node;
    }

    Secrets secrets() {
        return secrets;
    }

    /** The engine; fails saying why there is none. */
    DockerEngine engine() {
        return engine.orElseThrow(() -> new CoddException(ErrorCode.NOT_SUPPORTED,
                "Node " + node + " runs no containers: " + unavailable));
    }

    /** The images the stages ask for, each accepted by the node; fails naming the first the node will not run. */
    List<DockerEngine.Image> images(List<DockerStage> stages) {
        return stages.stream().map(stage -> engine().image(stage.call().image())).toList();
    }

    /**
     * Starts each stage: its input query over {@code sources}, its container, and its output as an
     * input of the fragment, by the stage's name.
     */
    Running start(List<DockerStage> stages, List<DockerEngine.Image> images, List<Input> sources, String queryId,
            DuckDbExecutor duckdb, BufferAllocator allocator, int batchRows, Cancellation cancellation) {
        Running running = new Running(new ArrayList<>(), new ArrayList<>());
        try {
            for (int i = 0; i < stages.size(); i++) {
                DockerStage stage = stages.get(i);
                Map<String, String> env = secrets.resolve(stage.call().env(), node);
                Cancellation inputCancellation = new Cancellation();
                cancellation.onCancel(inputCancellation::cancel);
                ArrowQuery input = duckdb.query(DockerMapStage.inputSql(stage.inputSql(), stage.call().format()),
                        sources, allocator, batchRows, inputCancellation);
                DockerMapStage started = DockerMapStage.start(engine(), images.get(i), stage.call(), env,
                        secrets.redactor(stage.call().env()), input, inputCancellation, "docker_map " + queryId);
                running.stages().add(started);
                cancellation.onCancel(started::stop);
                running.outputs().add(started.output(stage.name(), allocator, batchRows));
            }
            return running;
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
    }

    /** The stages of one fragment, running; closing stops and removes their containers. */
    record Running(List<DockerMapStage> stages, List<Input> outputs) implements AutoCloseable {
        /** A fragment without stages. */
        static final Running NONE = new Running(List.of(), List.of());

        /** The error a stage met first: a container's failure is why its fragment failed, whatever DuckDB made of it. */
        Optional<CoddException> failure() {
            return stages.stream().flatMap(stage -> stage.failure().stream()).findFirst();
        }

        /** Closes every stage, whatever one of them throws: each holds a container. */
        @Override
        public void close() {
            RuntimeException failed = null;
            for (DockerMapStage stage : stages) {
                try {
                    stage.close();
                } catch (RuntimeException e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    @Override
    public void close() {
        engine.ifPresent(DockerEngine::close);
    }
}
