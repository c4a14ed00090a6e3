package dev.codd.node.requester;

import dev.codd.executors.Sql;
import dev.codd.planner.DistributedPlan;
import dev.codd.planner.Exchange;
import dev.codd.planner.Fragment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code EXPLAIN [ANALYZE] query}: the distributed plan as rows. Each row is one step: a fragment
 * with the node it runs on, the shards it reads and the exact SQL the node receives, then the
 * shards min/max statistics ruled out, then what runs at the requester. ANALYZE runs the query
 * first and adds each fragment's rows, bytes, batches and wall time. The rows come back as any query's do:
 * as the result of a VALUES query.
 */
final class Explain {
    private static final Pattern EXPLAIN = Pattern.compile("(?is)\\s*EXPLAIN\\s+(ANALYZE\\s+)?(.*)");
    private static final List<String> COLUMNS = List.of("step", "node", "shards", "sql");
    private static final List<String> ANALYZE_COLUMNS = List.of("step", "node", "shards", "sql", "rows", "bytes",
            "batches", "wall_ms");
    /** The analyzed columns of a row that is no fragment: none ran. */
    private static final List<String> NO_RUN = Collections.nCopies(ANALYZE_COLUMNS.size() - COLUMNS.size(), "NULL");

    /** The query to explain, and whether to run it. */
    record Request(String query, boolean analyze) {}

    private Explain() {}

    static Optional<Request> parse(String sql) {
        Matcher matcher = EXPLAIN.matcher(sql);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        // the prefix blanked, not cut: an error in the query keeps its line and column
        String prefix = sql.substring(0, matcher.start(2)).replaceAll("[^\n]", " ");
        return Optional.of(new Request(prefix + matcher.group(2), matcher.group(1) != null));
    }

    /** A plan whose result is the explanation of {@code plan}; {@code runs} are empty unless analyzed. */
    static DistributedPlan of(DistributedPlan plan, List<QueryExecution.FragmentRun> runs, boolean analyze) {
        List<String> rows = new ArrayList<>();
        for (Exchange exchange : plan.exchanges()) {
            for (Fragment fragment : exchange.fragments()) {
                List<String> values = new ArrayList<>(List.of(Sql.string(exchange.name()), Sql.string(fragment.node()),
                        Sql.string(shards(fragment.shards())), Sql.string(fragment.sql())));
                if (analyze) {
                    QueryExecution.FragmentRun run = runs.stream().filter(r -> r.fragment() == fragment).findFirst()
                            .orElseThrow();
                    values.add(Long.toString(run.rows()));
                    values.add(Long.toString(run.bytes()));
                    values.add(Long.toString(run.batches()));
                    values.add(String.format(Locale.ROOT, "%.3f", run.nanos() / 1e6));
                }
                rows.add(values.stream().collect(Collectors.joining(", ", "(", ")")));
            }
        }
        plan.pruned().forEach((table, cids) -> {
            List<String> values = new ArrayList<>(List.of(Sql.string("pruned"), "NULL",
                    Sql.string(table + ": " + String.join(", ", cids)),
                    Sql.string("not read: min/max statistics rule out the filter")));
            if (analyze) {
                values.addAll(NO_RUN);
            }
            rows.add(values.stream().collect(Collectors.joining(", ", "(", ")")));
        });
        String reads = plan.exchanges().stream().map(Exchange::name).collect(Collectors.joining(", "));
        String root = plan.rootSql().orElse("(the rows of " + reads + " pass through)");
        List<String> rootValues = new ArrayList<>(List.of(Sql.string("root"), Sql.string("requester"),
                Sql.string(reads), Sql.string(root)));
        if (analyze) {
            rootValues.addAll(NO_RUN);
        }
        rows.add(rootValues.stream().collect(Collectors.joining(", ", "(", ")")));
        List<String> columns = analyze ? ANALYZE_COLUMNS : COLUMNS;
        String sql = "SELECT * FROM (VALUES " + String.join(", ", rows) + ") AS explain("
                + columns.stream().map(Sql::identifier).collect(Collectors.joining(", ")) + ")";
        return new DistributedPlan(List.of(), Optional.of(sql), columns, Map.of(), Set.of());
    }

    private static String shards(Map<String, List<String>> shards) {
        return shards.entrySet().stream()
                .map(e -> e.getKey() + ": " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; "));
    }
}
