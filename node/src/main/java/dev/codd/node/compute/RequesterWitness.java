package dev.codd.node.compute;

import dev.codd.node.audit.AuditLog;
import dev.codd.node.audit.RequesterHeads;
import dev.codd.node.audit.SignedHeads;
import dev.codd.node.wire.HeartbeatReply;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the head of the requester's audit log, as heartbeats' replies bring it, in this node's log
 * ({@value RequesterHeads#TYPE} records), which so becomes a witness of the requester's log on a
 * machine its owner need not control. It keeps the first head at once, then one when it moved and the
 * last kept is 10 s old, as the requester keeps the nodes'; the last one seen when the requester goes
 * away and at close; and at once, flagged, one that went back or changed against the last seen, after
 * keeping that one (what {@code codd audit verify --node-log} then finds missing). At most one flag
 * every 10 s: a requester that flaps between two logs cannot flood this one.
 */
final class RequesterWitness {
    private static final Logger LOG = LoggerFactory.getLogger(RequesterWitness.class);
    private static final long KEEP_EVERY_NANOS = SignedHeads.KEEP_EVERY.toNanos();
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** A head, and the requester that sent it. */
    private record Seen(String requester, HeartbeatReply.LogHead head) {}

    private final AuditLog log;
    private final LongSupplier nanoTime;
    private Seen seen;
    private Seen kept;
    private long keptAt;
    private Long flaggedAt;
    private boolean malformed;
    private boolean closed;

    RequesterWitness(AuditLog log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /** The requester's head from a heartbeat's reply. */
    synchronized void seen(String requester, HeartbeatReply.LogHead head) {
        if (closed) {
            return;
        }
        if (head.seq() < 1 || head.hash() == null || !HASH.matcher(head.hash()).matches()) {
            if (!malformed) { // once: the requester would send it again with every reply
                LOG.warn("The requester {} sent an audit head that is none: {}", requester, head);
                malformed = true;
            }
            return;
        }
        Seen last = seen;
        seen = new Seen(requester, head);
        long now = nanoTime.getAsLong();
        String problem = last == null ? null
                : head.seq() < last.head().seq() ? "the requester's log went back from record " + last.head().seq() + " to "
                        + head.seq()
                : head.seq() == last.head().seq() && !head.hash().equals(last.head().hash()) ? "record " + head.seq()
                        + " of the requester's log changed"
                : null;
        if (problem != null && (flaggedAt == null || now - flaggedAt >= KEEP_EVERY_NANOS)) {
            LOG.warn("The requester {} sent an audit head that is suspect: {}", requester, problem);
            if (!last.equals(kept)) { // what the requester's log held just before: the evidence
                keep(last, null, now);
            }
            keep(seen, problem, now);
            flaggedAt = now;
        } else if (kept == null || head.seq() > kept.head().seq() && now - keptAt >= KEEP_EVERY_NANOS) {
            keep(seen, null, now);
        }
    }

    /** The requester cannot be reached: the last head seen is kept, if it was not yet. */
    synchronized void gone() {
        if (!closed && seen != null && !seen.equals(kept)) {
            keep(seen, null, nanoTime.getAsLong());
        }
    }

    /** Keeps the last head seen, if it was not yet; nothing is kept after this, the log being closed next. */
    synchronized void close() {
        gone();
        closed = true;
    }

    private void keep(Seen head, String problem, long now) {
        log.append(RequesterHeads.TYPE, RequesterHeads.data(head.requester(), head.head().seq(), head.head().hash(),
                problem));
        kept = head;
        keptAt = now;
    }
}
