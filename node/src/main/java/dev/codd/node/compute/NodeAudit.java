package dev.codd.node.compute;

import dev.codd.common.CoddException;
import dev.codd.common.ContainerCall;
import dev.codd.executors.docker.DockerEngine;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.flight.Caller;
import dev.codd.node.wire.FragmentTicket;
import dev.codd.node.wire.HeartbeatReply;
import dev.codd.node.wire.JobExecution;
import dev.codd.node.wire.JobTask;
import dev.codd.node.wire.SignedHead;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compute node writes to its audit log: every fragment it runs (who asked, for which query
 * and user, the SQL, the shards read; written before it runs, and on disk before its first row
 * leaves unless the node syncs on the interval), how each ended (rows and bytes sent, time, error),
 * and every request it refused. It signs the log's head on disk for the requester, and keeps the
 * requester's head now and then.
 */
final class NodeAudit implements AutoCloseable {
    private final String node;
    private final AuditLog log;
    private final NodeKey key;
    private final AuditSync sync;
    private static final long SIGN_EVERY_NANOS = 1_000_000_000L;
    private SignedHead signed;
    private long signedAt;
    private final RequesterWitness requester;

    NodeAudit(String node, AuditLog log, NodeKey key, AuditSync sync) {
        this.node = node;
        this.log = log;
        this.key = key;
        this.sync = sync;
        this.requester = new RequesterWitness(log, System::nanoTime);
    }

    /** The fragment about to run, written before it does; fails when it cannot be written. */
    AuditLog.Head started(FragmentTicket ticket, Caller requester, List<DockerEngine.Image> images) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query", ticket.queryId());
        data.put("user", ticket.user());
        data.put("requester", requester.address());
        data.put("sql", ticket.sql());
        data.put("shards", ticket.shards());
        if (!ticket.functions().isEmpty()) { // the WASM modules the query may call, by the CID of their code
            Map<String, String> modules = new LinkedHashMap<>();
            ticket.functions().forEach(function -> modules.put(function.name(), function.cid()));
            data.put("functions", modules);
        }
        if (!ticket.docker().isEmpty()) { // the containers it runs: image by name and ID, and what they are given
            List<Map<String, Object>> containers = new ArrayList<>();
            for (int i = 0; i < ticket.docker().size(); i++) {
                ContainerCall call = ticket.docker().get(i).call();
                Map<String, Object> container = new LinkedHashMap<>();
                container.put("image", images.get(i).reference());
                container.put("imageId", images.get(i).id());
                container.put("command", call.command());
                container.put("env", call.env()); // values are literals or secret:NAME, never a secret's value
                container.put("input", ticket.docker().get(i).inputSql());
                containers.add(container);
            }
            data.put("docker", containers);
        }
        return sync == AuditSync.FRAGMENT ? log.appendUrgently("fragment.started", data)
                : log.appendOrFail("fragment.started", data);
    }

    /**
     * Returns when the fragment's first row may leave: once its record is on disk with
     * {@link AuditSync#FRAGMENT}, at once with {@link AuditSync#INTERVAL} (the record is written).
     */
    void beforeFirstRow(AuditLog.Head started) {
        if (sync == AuditSync.FRAGMENT) {
            log.awaitDisk(started);
        }
    }

    void ended(FragmentTicket ticket, String status, CoddException error, long rows, long bytes, long nanos) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query", ticket.queryId());
        data.put("status", status);
        if (error != null) {
            data.put("error", error.errorCode().sqlState() + ": " + error.getMessage());
        }
        data.put("rows", rows);
        data.put("bytes", bytes);
        data.put("ms", nanos / 1_000_000);
        log.append("fragment.ended", data);
    }

    /**
     * A job's container about to run: who asked, the image by name and ID, the command, the files it
     * reads; fails when it cannot be written, and the container does not run.
     */
    void jobStarted(JobTask task, Caller requester, DockerEngine.Image image, Collection<Path> inputs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", task.jobId());
        data.put("user", task.user());
        data.put("requester", requester.address());
        data.put("image", image.reference());
        data.put("imageId", image.id());
        data.put("command", task.spec().command());
        data.put("env", task.spec().env()); // literals or secret:NAME, never a secret's value
        data.put("table", task.spec().table());
        data.put("shards", task.cids());
        data.put("inputs", inputs.size());
        log.appendOrFail("job.started", data);
    }

    /** How a job's container ended, and the CIDs of what it left in /outputs. */
    void jobEnded(JobTask task, JobExecution execution) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", task.jobId());
        data.put("state", execution.state());
        data.put("exitCode", execution.exitCode());
        data.put("error", execution.error());
        data.put("outputs", execution.outputs().stream().map(output -> output.path() + " " + output.cid()).toList());
        data.put("ms", Duration.between(execution.started(), execution.ended()).toMillis());
        log.append("job.ended", data);
    }

    /** A job the node would not run. */
    void jobRefused(JobTask task, Caller requester, CoddException why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", task.jobId());
        data.put("user", task.user());
        data.put("requester", requester.address());
        data.put("image", task.spec().image());
        data.put("error", why.errorCode().sqlState() + ": " + why.getMessage());
        log.append("job.refused", data);
    }

    /** A request the node would not run; {@code ticket} is null when it could not even be read. */
    void refused(FragmentTicket ticket, Caller requester, CoddException why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query", ticket == null ? null : ticket.queryId());
        data.put("user", ticket == null ? null : ticket.user());
        data.put("requester", requester.address());
        data.put("sql", ticket == null ? null : ticket.sql());
        data.put("error", why.errorCode().sqlState() + ": " + why.getMessage());
        log.append("fragment.refused", data);
    }

    String node() {
        return node;
    }

    /**
     * The log's last record on disk, signed anew when it moved and the last signature is a second
     * old: Ed25519 in Java costs a millisecond or so, and heartbeats come several times a second.
     * Not a record only written: a machine that fails may lose that one, and its log would then
     * seem to have gone back.
     */
    synchronized SignedHead signedHead() {
        AuditLog.Head head = log.durable();
        long now = System.nanoTime();
        if (signed == null || signed.seq() != head.seq() && now - signedAt >= SIGN_EVERY_NANOS) {
            signed = key.sign(node, head);
            signedAt = now;
        }
        return signed;
    }

    /** The head of the requester's log, from a heartbeat's reply: kept now and then, a witness of it. */
    void requesterHead(String address, HeartbeatReply.LogHead head) {
        requester.seen(address, head);
    }

    /** The requester cannot be reached. */
    void requesterGone() {
        requester.gone();
    }

    AuditLog log() {
        return log;
    }

    /** Keeps the requester's last head seen, if it was not yet, and closes the log. */
    @Override
    public void close() {
        requester.close();
        log.close();
    }
}
