package dev.codd.node.tpch;

import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The 22 TPC-H queries as {@code io.trino.tpch} ships them; Q15, which there creates a view and then
 * queries it, is given as one query with the view as a CTE (as DuckDB's own tpch extension does).
 */
public final class TpchQueries {
    private TpchQueries() {}

    private static final Pattern VIEW_THEN_QUERY =
            Pattern.compile("(?s)\\s*CREATE OR REPLACE VIEW (\\w+) AS\\s*(.*?);\\s*(SELECT.*?);?\\s*");

    /** Query {@code number} (1 to 22), without its leading comment line. */
    public static String query(int number) {
        if (number < 1 || number > 22) {
            throw new IllegalArgumentException("TPC-H has queries 1 to 22, not " + number);
        }
        try (InputStream in = TpchTable.class.getResourceAsStream("/io/trino/tpch/queries/q" + number + ".sql")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String sql = text.lines().filter(line -> !line.startsWith("--")).collect(Collectors.joining("\n"));
            Matcher view = VIEW_THEN_QUERY.matcher(sql);
            return view.matches() ? "WITH " + view.group(1) + " AS (" + view.group(2) + ")\n" + view.group(3) : sql;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
