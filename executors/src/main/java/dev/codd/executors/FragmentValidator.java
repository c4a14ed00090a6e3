package dev.codd.executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether SQL that came over the network may run on a node: it must be one read-only
 * SELECT that reads only the tables bound for it, with no CTE (a name it defines could shadow or
 * unlock others), no table function (they read files and run nested SQL) and no function that
 * reveals the node's settings. DuckDB's own parser reads the SQL, so what is checked is what would
 * run. The planner writes fragments without CTEs.
 */
public final class FragmentValidator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("getenv", "current_setting", "getvariable");

    private FragmentValidator() {}

    /**
     * Throws {@link ErrorCode#FRAGMENT_REFUSED} unless {@code sql} may run with {@code boundTables};
     * returns the names of the functions it calls, in lower case.
     */
    public static Set<String> validate(DuckDbExecutor executor, String sql, Set<String> boundTables) {
        String serialized = executor.withConnection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
                statement.setString(1, sql);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getString(1);
                }
            }
        });
        JsonNode tree;
        try {
            tree = JSON.readTree(serialized);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot read DuckDB's parse of a fragment", e);
        }
        if (tree.path("error").asBoolean(false)) {
            String message = tree.path("error_message").asText();
            if (message.startsWith("Only SELECT statements")) {
                throw refused("only a single SELECT statement may run on a node");
            }
            throw new CoddException(ErrorCode.SYNTAX_ERROR, "Fragment does not parse: " + message);
        }
        JsonNode statements = tree.path("statements");
        if (statements.size() != 1) {
            throw refused("only a single SELECT statement may run on a node, not " + statements.size());
        }
        Set<String> allowed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        allowed.addAll(boundTables);
        Set<String> called = new TreeSet<>();
        check(statements, allowed, called);
        return called;
    }

    private static void check(JsonNode node, Set<String> allowed, Set<String> called) {
        if (node.isObject()) {
            if (node.path("cte_map").path("map").size() > 0) {
                throw refused("WITH is not allowed in a fragment");
            }
            String type = node.path("type").asText("");
            if (type.equals("TABLE_FUNCTION")) {
                throw refused("table function " + node.path("function").path("function_name").asText()
                        + " is not allowed in a fragment");
            }
            if (type.equals("BASE_TABLE")) {
                String table = node.path("table_name").asText();
                boolean qualified = !node.path("catalog_name").asText().isEmpty()
                        || !node.path("schema_name").asText().isEmpty();
                if (qualified || !allowed.contains(table)) {
                    throw refused("table " + table + " is not bound to shards of this node");
                }
            }
            if (node.path("class").asText("").equals("FUNCTION")) {
                String function = node.path("function_name").asText().toLowerCase(Locale.ROOT);
                if (FORBIDDEN_FUNCTIONS.contains(function)) {
                    throw refused("function " + node.path("function_name").asText() + " is not allowed in a fragment");
                }
                called.add(function);
            }
        }
        node.forEach(child -> check(child, allowed, called));
    }

    private static CoddException refused(String why) {
        return new CoddException(ErrorCode.FRAGMENT_REFUSED, "Fragment refused: " + why);
    }
}
