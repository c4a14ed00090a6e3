package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.node.audit.AuditTables;
import dev.codd.node.wire.ColumnInfo;
import dev.codd.node.wire.Heartbeat;
import dev.codd.node.wire.HeartbeatReply;
import dev.codd.node.wire.NodeAddress;
import dev.codd.node.wire.NodeCatalog;
import dev.codd.node.wire.ShardInfo;
import dev.codd.node.wire.UnreadableFile;
import dev.codd.planner.catalog.ClusterCatalog;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.ColumnRange;
import dev.codd.planner.catalog.Partition;
import dev.codd.planner.catalog.Shard;
import dev.codd.planner.catalog.TableProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes the requester knows: who joined, where they listen, when they last spoke, and what they
 * hold. A node silent for longer than {@code downAfter}, or that left, is down: its shards stay in
 * the catalog without a live replica, so queries over them fail clearly instead of returning part
 * of the data. A node is up only once its catalog is known.
 */
public final class NodeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

    /** A node as the requester sees it. */
    public record NodeState(String name, NodeAddress address, Instant lastSeen, boolean up, long catalogVersion,
            NodeCatalog catalog, boolean audited, int runningFragments, boolean containers, Map<String, String> labels) {
        /** The same node, down since it was last seen. */
        NodeState down() {
            return new NodeState(name, address, lastSeen, false, catalogVersion, catalog, audited, 0, containers, labels);
        }
    }

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final Duration downAfter;
    private final Consumer<String> onNodeDown;
    private final RequesterAudit audit;
    private final Map<String, NodeState> nodes = new TreeMap<>();
    private ClusterCatalog catalog;

    NodeRegistry(Duration downAfter, Consumer<String> onNodeDown, RequesterAudit audit) {
        this.downAfter = downAfter;
        this.onNodeDown = onNodeDown;
        this.audit = audit;
    }

    public synchronized HeartbeatReply heartbeat(Heartbeat beat, Instant now) {
        if (!NODE_NAME.matcher(beat.node()).matches()) { // it names directories (job outputs) and goes into logs
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "The node name '" + beat.node() + "' is not allowed:"
                    + " use letters, digits, '.', '_', ':' and '-', starting with a letter or digit");
        }
        if (beat.node().equalsIgnoreCase(AuditTables.REQUESTER)) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "The node name " + beat.node()
                    + " is the requester's own; give the node another --name");
        }
        NodeState known = nodes.get(beat.node());
        if (known == null && beat.catalog() == null) {
            // unknown here (a requester restart): the next beat brings the catalog
            return new HeartbeatReply(-1, audit.durableHead());
        }
        if (beat.catalog() != null) {
            beat.catalog().shards().forEach(shard -> shard.columns().forEach(column -> checkType(beat.node(), column)));
        }
        if (known != null && known.up() && !known.address().equals(beat.address())) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Node name " + beat.node() + " is already used by "
                    + known.address() + "; give each node its own --name");
        }
        NodeCatalog nodeCatalog = known == null ? null : known.catalog();
        long version = known == null ? -1 : known.catalogVersion();
        if (beat.catalog() != null) {
            nodeCatalog = beat.catalog();
            version = beat.catalogVersion();
            catalog = null;
        }
        if (known == null || !known.up()) {
            LOG.info("Node {} at {} is up ({} shards)", beat.node(), beat.address(),
                    nodeCatalog == null ? "?" : nodeCatalog.shards().size());
            audit.nodeUp(beat.node(), beat.address());
            catalog = null;
        }
        if (beat.auditHead() != null) {
            if (!beat.auditHead().node().equals(beat.node())) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Node " + beat.node() + " sent the audit head of node "
                        + beat.auditHead().node());
            }
            audit.nodeHead(beat.auditHead());
        }
        NodeCatalog held = nodeCatalog == null ? NodeCatalog.EMPTY : nodeCatalog;
        if (known != null && known.containers() != beat.containers()) {
            catalog = null;
        }
        nodes.put(beat.node(), new NodeState(beat.node(), beat.address(), now, true, version, held,
                beat.auditHead() != null, beat.runningFragments(), beat.containers(), beat.labels()));
        return new HeartbeatReply(version, audit.durableHead());
    }

    /** A node said goodbye: it is down until it comes back; its shards stay known. */
    public synchronized void leave(String node) {
        NodeState known = nodes.get(node);
        if (known != null && known.up()) {
            nodes.put(node, known.down());
            LOG.info("Node {} left", node);
            audit.nodeLeft(node);
            catalog = null;
        }
    }

    /**
     * Column types arrive from the network and are written into SQL the requester runs (to learn
     * their Arrow form): accept only what reads as one DuckDB type.
     */
    private static void checkType(String node, ColumnInfo column) {
        String type = column.type();
        int depth = 0;
        boolean quoted = false;
        for (char c : type.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            }
            if (depth < 0) {
                break;
            }
        }
        if (depth != 0 || quoted || type.isBlank() || type.contains(";") || type.contains("--") || type.contains("/*")) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "Node " + node + " sent column " + column.name() + " with a type that is not a DuckDB type: " + type);
        }
    }

    /** Marks nodes down that have been silent too long. */
    public void checkLiveness(Instant now) {
        List<String> down = new ArrayList<>();
        synchronized (this) {
            for (NodeState node : List.copyOf(nodes.values())) {
                if (node.up() && Duration.between(node.lastSeen(), now).compareTo(downAfter) > 0) {
                    nodes.put(node.name(), node.down());
                    down.add(node.name());
                    catalog = null;
                }
            }
        }
        for (String node : down) {
            LOG.warn("Node {} is down: no heartbeat for {} s", node, downAfter.toSeconds());
            audit.nodeDown(node);
            onNodeDown.accept(node);
        }
    }

    public synchronized List<NodeState> nodes() {
        return List.copyOf(nodes.values());
    }

    public synchronized Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** The catalog the planner sees: every table, its shards, and the live nodes holding each. */
    public synchronized ClusterCatalog catalog() {
        if (catalog == null) {
            catalog = buildCatalog();
        }
        return catalog;
    }

    private ClusterCatalog buildCatalog() {
        record Placement(NodeState node, ShardInfo shard) {}
        Map<String, List<Placement>> byTable = new TreeMap<>();
        Map<String, List<String>> unreadable = new TreeMap<>(); // "node cannot read file: why", by table
        Map<String, String> unreadableTables = new TreeMap<>();
        for (NodeState node : nodes.values()) {
            for (ShardInfo shard : node.catalog().shards()) {
                byTable.computeIfAbsent(shard.table().toLowerCase(Locale.ROOT), t -> new ArrayList<>())
                        .add(new Placement(node, shard));
            }
            for (UnreadableFile file : node.catalog().unreadable()) {
                String key = file.table().toLowerCase(Locale.ROOT);
                unreadable.computeIfAbsent(key, t -> new ArrayList<>())
                        .add(node.name() + " cannot read " + file.file() + ": " + file.reason());
                unreadableTables.putIfAbsent(key, file.table());
            }
        }
        Map<String, ClusterTable> tables = new LinkedHashMap<>();
        unreadableTables.forEach((key, name) -> {
            if (!byTable.containsKey(key)) {
                tables.put(name, new ClusterTable(name, List.of(), List.of(),
                        Optional.of(unreadable(name, unreadable.get(key)))));
            }
        });
        for (List<Placement> placements : byTable.values()) {
            Placement first = placements.get(0);
            String name = first.shard().table();
            List<String> unread = unreadable.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            Optional<TableProblem> conflict = placements.stream()
                    .filter(p -> !sameSchema(p.shard().columns(), first.shard().columns()))
                    .findFirst()
                    .map(p -> new TableProblem(ErrorCode.SCHEMA_CONFLICT, "Table " + name + " has different schemas: node "
                            + first.node().name() + " file " + first.shard().file() + " has "
                            + describe(first.shard().columns()) + " but node " + p.node().name() + " file "
                            + p.shard().file() + " has " + describe(p.shard().columns())));
            Optional<TableProblem> problem = unread.isEmpty() ? conflict : Optional.of(unreadable(name, unread));
            Map<String, List<Placement>> byCid = placements.stream()
                    .collect(Collectors.groupingBy(p -> p.shard().cid(), TreeMap::new, Collectors.toList()));
            List<Shard> shards = byCid.entrySet().stream()
                    .map(entry -> shard(entry.getKey(), entry.getValue().get(0).shard(),
                            entry.getValue().stream().filter(p -> p.node().up()).map(p -> p.node().name())
                                    .distinct().toList()))
                    .toList();
            List<Column> columns = first.shard().columns().stream().map(c -> new Column(c.name(), c.type())).toList();
            tables.put(name, new ClusterTable(name, columns, shards, problem));
        }
        Map<String, Boolean> auditing = new TreeMap<>();
        nodes.values().stream().filter(NodeState::audited).forEach(node -> auditing.put(node.name(), node.up()));
        Set<String> containerNodes = nodes.values().stream().filter(node -> node.up() && node.containers())
                .map(NodeState::name).collect(Collectors.toSet());
        return new ClusterCatalog(tables, SystemTables.catalog(audit.log().isPresent(), auditing), Map.of(), containerNodes);
    }

    private static TableProblem unreadable(String table, List<String> reasons) {
        return new TableProblem(ErrorCode.DATA_ERROR, "Table " + table + " cannot be read whole: node "
                + String.join("; node ", reasons) + ". Fix or remove the file, or hide it (a name starting with . or _)");
    }

    private static Shard shard(String cid, ShardInfo info, List<String> liveNodes) {
        Optional<Partition> partition = Optional.ofNullable(info.partition())
                .map(p -> new Partition(p.scheme(), p.keys(), p.id()));
        Map<String, ColumnRange> ranges = new LinkedHashMap<>();
        info.stats().forEach((column, stats) -> ranges.put(column, new ColumnRange(stats.min(), stats.max())));
        return new Shard(cid, info.rows(), liveNodes, partition, ranges);
    }

    private static boolean sameSchema(List<ColumnInfo> a, List<ColumnInfo> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equalsIgnoreCase(b.get(i).name()) || !a.get(i).type().equals(b.get(i).type())) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<ColumnInfo> columns) {
        return columns.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ", "(", ")"));
    }
}
