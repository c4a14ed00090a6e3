package dev.codd.node.audit;

import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.ColumnRange;
import dev.codd.planner.catalog.Shard;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit logs as tables of schema {@code sys}: {@code sys.audit} is the requester's log,
 * read by the requester itself as if it were a node named {@value #REQUESTER}; {@code
 * sys.node_audit} is every node's log, one shard per node, read where it lies through the normal
 * fragment path (and so audited again, on the node, as any read is).
 */
public final class AuditTables {
    /** The node name under which the requester serves its own log; no compute node may take it. */
    public static final String REQUESTER = "requester";
    /** The names fragments use: no data table can have them, since files and directories starting with _ are hidden. */
    public static final String REQUESTER_TABLE = "_audit";
    public static final String NODE_TABLE = "_node_audit";
    public static final List<Column> COLUMNS = List.of(new Column("node", "VARCHAR"), new Column("seq", "BIGINT"),
            new Column("time", "TIMESTAMP"), new Column("type", "VARCHAR"), new Column("data", "VARCHAR"),
            new Column("prev", "VARCHAR"), new Column("hash", "VARCHAR"));

    private AuditTables() {}

    /** The shard a node's log is, for the node that holds it. */
    public static String cid(String node) {
        return "audit-" + node;
    }

    /**
     * The tables of schema {@code sys}, by their name there.
     *
     * @param requesterAudits whether the requester keeps a log
     * @param auditingNodes the nodes that keep a log, each with whether it is up
     */
    public static Map<String, ClusterTable> system(boolean requesterAudits, Map<String, Boolean> auditingNodes) {
        // each log's range of column node is its node alone: WHERE node <> 'x' leaves out a node that is down
        List<Shard> nodeLogs = auditingNodes.entrySet().stream()
                .map(node -> new Shard(cid(node.getKey()), 0, node.getValue() ? List.of(node.getKey()) : List.of(),
                        Optional.empty(), Map.of("node", new ColumnRange(node.getKey(), node.getKey()))))
                .toList();
        ClusterTable nodes = new ClusterTable(NODE_TABLE, COLUMNS, nodeLogs);
        return requesterAudits
                ? Map.of("audit", new ClusterTable(REQUESTER_TABLE, COLUMNS, List.of(new Shard(cid(REQUESTER), 0,
                        List.of(REQUESTER)))), "node_audit", nodes)
                : Map.of("node_audit", nodes);
    }
}
