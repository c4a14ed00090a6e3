package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.NodeKey;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.flight.Caller;
import dev.codd.node.wire.HeartbeatReply;
import dev.codd.node.wire.Job;
import dev.codd.node.wire.JobExecution;
import dev.codd.node.wire.NodeAddress;
import dev.codd.node.wire.SignedHead;
import dev.codd.planner.DistributedPlan;
import dev.codd.planner.Exchange;
import dev.codd.planner.Fragment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the requester writes to its audit log: each query as accepted (who, from where, with what,
 * the SQL and its parameter values), as planned (each fragment's node, shards and SQL hash; on disk
 * before any fragment runs) and as ended (status, error, rows, bytes per node, time); nodes joining,
 * leaving, going down; and the signed heads of the nodes' own logs. Without a log (audit off) it
 * records nothing.
 */
final class RequesterAudit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequesterAudit.class);

    /** What the requester knows of a node's log: the key that signs it and the last head seen and kept. */
    private record NodeLog(String publicKey, long seq, SignedHead lastSeen, Instant recorded, long recordedSeq) {}

    private final AuditLog log;
    private final Clock clock;
    private final Map<String, NodeLog> nodes = new HashMap<>();
    /** The last head kept of each node; each new segment of the log starts with a checkpoint of them. */
    private final Map<String, SignedHead> kept;
    /** The nodes whose last head's signature did not hold, flagged once. */
    private final Set<String> unsigned = new HashSet<>();

    private RequesterAudit(AuditLog log, Map<String, SignedHead> kept, Clock clock) {
        this.log = log;
        this.kept = kept;
        this.clock = clock;
        // what a requester that ran before knew: a node's first heartbeat after a restart is checked against it
        kept.values().forEach(head -> nodes.put(head.node(), new NodeLog(head.publicKey(), head.seq(), head, Instant.EPOCH,
                head.seq())));
    }

    /** For a requester that keeps no log. */
    static RequesterAudit off() {
        return new RequesterAudit(null, new ConcurrentHashMap<>(), Clock.systemUTC());
    }

    /**
     * Opens the requester's log in {@code directory}, knowing each node's key and last head as the
     * log kept them (its newest segment carries them), so that a restart forgets no node.
     */
    static RequesterAudit open(Path directory, long segmentBytes, Map<String, ?> details, Clock clock) {
        SignedHeads.Kept kept;
        try {
            kept = SignedHeads.lastKept(directory);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.DATA_ERROR, "Cannot read the audit log in " + directory + ": " + e.getMessage(),
                    e);
        }
        Map<String, SignedHead> last = new ConcurrentHashMap<>(kept.last());
        AuditLog log = AuditLog.open(directory, SignedHeads.REQUESTER_OWNER, segmentBytes, details,
                () -> SignedHeads.carried(last));
        if (!kept.readAlone()) {
            log.checkpoint(); // so that the next start need not go back so far
        }
        return new RequesterAudit(log, last, clock);
    }

    /** The log, if the requester keeps one (it may be run without, to measure what auditing costs). */
    Optional<AuditLog> log() {
        return Optional.ofNullable(log);
    }

    /** The log's last record on disk, which nodes keep as witnesses of the log; null without a log. */
    HeartbeatReply.LogHead durableHead() {
        if (log == null) {
            return null;
        }
        AuditLog.Head durable = log.durable();
        return new HeartbeatReply.LogHead(durable.seq(), durable.hash());
    }

    /**
     * The query as it arrived, before anything of it runs; fails (58030) when it cannot be written.
     * Not waited for: {@link #planned} waits for both.
     */
    void accepted(String query, Caller caller, String sql, List<Object> parameters) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query", query);
        data.put("user", caller.user());
        data.put("client", caller.address());
        data.put("application", caller.application());
        data.put("driver", caller.driver());
        data.put("sql", sql);
        if (!parameters.isEmpty()) {
            data.put("parameters", parameters.stream().map(RequesterAudit::plain).toList());
        }
        appendOrFail("query.accepted", data);
    }

    /**
     * The fragments about to run, written before they do; {@link #awaitDisk} waits until the record
     * (and the query's acceptance before it) is synced, which must be before the first row leaves.
     */
    AuditLog.Head planned(String query, DistributedPlan plan) {
        if (log == null) {
            return null;
        }
        List<Map<String, Object>> fragments = new ArrayList<>();
        for (Exchange exchange : plan.exchanges()) {
            for (Fragment fragment : exchange.fragments()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("exchange", exchange.name());
                entry.put("node", fragment.node());
                entry.put("shards", fragment.shards());
                entry.put("sqlSha256", AuditLog.sha256(fragment.sql()));
                fragments.add(entry);
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query", query);
        data.put("fragments", fragments);
        data.put("pruned", plan.pruned());
        return log.appendUrgently("query.planned", data);
    }

    void awaitDisk(AuditLog.Head appended) {
        if (log != null) {
            log.awaitDisk(appended);
        }
    }

    void ended(QueryRecord record) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query", record.id());
        data.put("status", record.state().name());
        record.error().ifPresent(error -> data.put("error", error));
        data.put("rows", record.rows());
        data.put("nodes", record.traffic().stream()
                .map(t -> Map.of("node", t.node(), "rows", t.rows(), "bytes", t.bytes()))
                .toList());
        data.put("ms", record.elapsed().toMillis());
        append("query.ended", data);
    }

    /**
     * A job accepted, before it is kept or sent anywhere: who, which image and command, over what, on
     * which nodes (secrets by name only); fails (58030) when it cannot be written.
     */
    void jobSubmitted(Job job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", job.id());
        data.put("user", job.user());
        data.put("image", job.spec().image());
        data.put("command", job.spec().command());
        data.put("env", job.spec().env());
        data.put("table", job.spec().table());
        data.put("labels", job.spec().nodeLabels());
        data.put("nodes", job.nodes());
        appendOrFail("job.submitted", data);
    }

    /** A job ended: its state, and each node's outputs by CID. */
    void jobEnded(Job job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", job.id());
        data.put("state", job.state());
        data.put("executions", job.executions().stream().map(execution -> Map.of("node", execution.node(),
                "state", execution.state(), "imageId", String.valueOf(execution.imageId()),
                "outputs", execution.outputs().stream().map(JobExecution.JobOutput::cid).toList())).toList());
        append("job.ended", data);
    }

    void nodeUp(String node, NodeAddress address) {
        append("node.up", Map.of("node", node, "address", address.toString()));
    }

    void nodeLeft(String node) {
        append("node.left", Map.of("node", node));
        recordLastHead(node);
    }

    void nodeDown(String node) {
        append("node.down", Map.of("node", node));
        recordLastHead(node);
    }

    /**
     * A node's signed head, from a heartbeat: checked against the key the node signed with before and
     * against going back, and kept in the log now and then, so that the node's log can later be
     * checked against it. A head with a new key, or one that went back, is flagged when it comes and
     * kept: the node's later heads are checked against it, and the heads kept before still show,
     * to {@code codd audit verify --requester}, what the node's log held.
     */
    synchronized void nodeHead(SignedHead head) {
        if (log == null) {
            return;
        }
        NodeLog known = nodes.get(head.node());
        Instant now = clock.instant();
        boolean checked = known != null && head.equals(known.lastSeen()); // nodes send a head until they sign anew
        if (!checked && !NodeKey.verify(head)) {
            if (unsigned.add(head.node())) { // once, until a head that holds: nodes sign a new one every second
                flag(head, "its signature does not hold");
            }
            return;
        }
        unsigned.remove(head.node());
        String change = checked || known == null ? null
                : !known.publicKey().equals(head.publicKey()) ? "it is signed with another key than before"
                : head.seq() < known.seq() ? "the log went back from record " + known.seq() + " to " + head.seq()
                : null;
        if (change != null) {
            flag(head, change);
            keep(head);
            nodes.put(head.node(), new NodeLog(head.publicKey(), head.seq(), head, now, head.seq()));
            return;
        }
        // a head that stays the same (the node went quiet) is kept once its time comes, like a new one
        boolean record = known == null || head.seq() > known.recordedSeq()
                && Duration.between(known.recorded(), now).compareTo(SignedHeads.KEEP_EVERY) >= 0;
        if (record) {
            keep(head);
        }
        nodes.put(head.node(), new NodeLog(head.publicKey(), head.seq(), head,
                record ? now : known.recorded(), record ? head.seq() : known.recordedSeq()));
    }

    private void flag(SignedHead head, String problem) {
        LOG.warn("Node {} sent an audit head that is suspect: {}", head.node(), problem);
        Map<String, Object> data = new LinkedHashMap<>(SignedHeads.data(head));
        data.put("problem", problem);
        append("node.audit.suspect", data);
    }

    /** Keeps the last head of every node not kept yet, so that none goes unchecked, and closes the log. */
    @Override
    public synchronized void close() {
        if (log != null) {
            List.copyOf(nodes.keySet()).forEach(this::recordLastHead);
            log.close();
        }
    }

    /** Records a node's head; noted first among the heads a new segment carries, so that none is ever left out. */
    private void keep(SignedHead head) {
        kept.put(head.node(), head);
        append(SignedHeads.TYPE, SignedHeads.data(head));
    }

    private synchronized void recordLastHead(String node) {
        NodeLog known = nodes.get(node);
        if (known != null && known.seq() > known.recordedSeq()) {
            keep(known.lastSeen());
            nodes.put(node, new NodeLog(known.publicKey(), known.seq(), known.lastSeen(), clock.instant(), known.seq()));
        }
    }

    private void append(String type, Map<String, ?> data) {
        if (log != null) {
            log.append(type, data);
        }
    }

    /** A record of something about to happen, which must not happen unrecorded. */
    private void appendOrFail(String type, Map<String, ?> data) {
        if (log != null) {
            log.appendOrFail(type, data);
        }
    }

    /** A parameter value as JSON can hold it: numbers, text, booleans as they are; the rest as text. */
    private static Object plain(Object value) {
        return value == null || value instanceof Number || value instanceof Boolean || value instanceof String
                ? value : String.valueOf(value);
    }
}
