package dev.codd.node.compute;

import dev.codd.common.Cid;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.Input;
import dev.codd.executors.docker.DockerEngine;
import dev.codd.node.flight.Caller;
import dev.codd.node.wire.JobExecution;
import dev.codd.node.wire.JobOutputRequest;
import dev.codd.node.wire.JobTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A node's part of a job: runs the job's container over the shards it names (mounted read-only at
 * /inputs, as they lie under the table's directory) with an empty /outputs, keeps what it writes
 * there under {@code DATA/.codd/jobs/ID/outputs}, and serves those files by path.
 */
final class JobRunner {
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int PIECE = 1 << 20;

    private final DataStore store;
    private final AtomicReference<Containers> containers;
    private final AtomicReference<NodeAudit> audit;

    JobRunner(DataStore store, AtomicReference<Containers> containers, AtomicReference<NodeAudit> audit) {
        this.store = store;
        this.containers = containers;
        this.audit = audit;
    }

    /** Runs the task's container to its end; a refusal (no engine, image not listed, shard unknown) is thrown. */
    JobExecution run(JobTask task, Caller requester) {
        Instant started = Instant.now();
        Containers running = Containers.started(containers);
        String node = running.node();
        DockerEngine.Image image;
        Map<Path, String> inputs;
        Map<String, String> env;
        Path outputs;
        NodeAudit log = audit.get();
        try {
            image = running.engine().image(task.spec().image());
            inputs = inputs(task, node);
            env = running.secrets().resolve(task.spec().env(), node);
            outputs = outputDirectory(task.jobId(), node);
            if (log != null) {
                log.jobStarted(task, requester, image, inputs.keySet()); // fails when it cannot be written
            }
        } catch (CoddException e) {
            if (log != null) {
                log.jobRefused(task, requester, e);
            }
            throw e;
        }
        JobExecution execution;
        try {
            DockerEngine.JobResult result = running.engine().runJob(image, task.spec().command(), env, inputs, outputs,
                    "job " + task.jobId());
            UnaryOperator<String> redact = running.secrets().redactor(task.spec().env());
            boolean completed = result.exitCode() == 0 && result.killedBecause() == null;
            String error = completed ? null : "Container " + image.reference() + " on node " + node
                    + (result.killedBecause() != null ? " was stopped: " + result.killedBecause()
                            : " exited with code " + result.exitCode());
            execution = new JobExecution(node, completed ? "COMPLETED" : "FAILED", image.id(), result.exitCode(), error,
                    redact.apply(result.logs()), outputs(outputs), started, Instant.now());
        } catch (CoddException e) {
            execution = new JobExecution(node, "FAILED", image.id(), null, e.getMessage(), "", List.of(), started,
                    Instant.now());
        }
        if (log != null) {
            log.jobEnded(task, execution);
        }
        return execution;
    }

    /** Each shard file the task names, with where the container sees it: /inputs/ and its path under the table. */
    private Map<Path, String> inputs(JobTask task, String node) {
        Map<Path, String> inputs = new LinkedHashMap<>();
        if (task.cids().isEmpty()) {
            return inputs;
        }
        Path tableDirectory = store.root().resolve(task.spec().table());
        for (Input.Source source : store.sources(task.spec().table(), task.cids())) {
            if (!(source instanceof Input.DataFile file) || !file.path().startsWith(tableDirectory)) {
                throw new CoddException(ErrorCode.NOT_SUPPORTED, "Table " + task.spec().table() + " on node " + node
                        + " is stored in a DuckDB database, not in files a job can read");
            }
            inputs.put(file.path(), "/inputs/" + tableDirectory.relativize(file.path()).toString().replace('\\', '/'));
        }
        return inputs;
    }

    /**
     * A new, empty directory the container (user 65534) may write; the job's directory around it is
     * the node's alone, so no other user of the machine reaches into it.
     */
    private Path outputDirectory(String jobId, String node) {
        Path directory = jobDirectory(jobId);
        try {
            if (Files.exists(directory.getParent())) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Job " + jobId + " has run on node " + node + " before");
            }
            Files.createDirectories(directory.getParent());
            Files.setPosixFilePermissions(directory.getParent(), PosixFilePermissions.fromString("rwx------"));
            Files.createDirectory(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
            return directory;
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot make the job's output directory: " + e, e);
        }
    }

    private Path jobDirectory(String jobId) {
        if (!JOB_ID.matcher(jobId).matches()) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "'" + jobId + "' is not a job ID");
        }
        return store.root().resolve(".codd").resolve("jobs").resolve(jobId).resolve("outputs");
    }

    /** The regular files the container left, by CID; links are not followed (they could point anywhere on the node). */
    private static List<JobExecution.JobOutput> outputs(Path directory) {
        List<JobExecution.JobOutput> outputs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                outputs.add(new JobExecution.JobOutput(directory.relativize(file).toString().replace('\\', '/'),
                        Cid.of(file), Files.size(file)));
            }
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot read the job's outputs: " + e, e);
        }
        return outputs;
    }

    /** Sends one output file in pieces; only a regular file under the job's outputs, reached through no link. */
    void output(JobOutputRequest request, Consumer<byte[]> pieces) {
        Path directory = jobDirectory(request.jobId());
        Path file = directory.resolve(request.path()).normalize();
        Path current = directory;
        for (Path part : directory.relativize(file)) {
            current = current.resolve(part);
            if (!file.startsWith(directory) || part.toString().equals("..") || Files.isSymbolicLink(current)) {
                throw notAnOutput(request);
            }
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw notAnOutput(request);
        }
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
            byte[] piece;
            while ((piece = in.readNBytes(PIECE)).length > 0) {
                pieces.accept(piece.length == PIECE ? piece : Arrays.copyOf(piece, piece.length));
            }
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot read output " + request.path() + ": " + e, e);
        }
    }

    private CoddException notAnOutput(JobOutputRequest request) {
        return new CoddException(ErrorCode.INVALID_ARGUMENT, "Job " + request.jobId() + " has no output "
                + request.path() + " on node " + Containers.started(containers).node());
    }
}
