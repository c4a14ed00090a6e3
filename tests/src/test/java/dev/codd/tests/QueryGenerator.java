package dev.codd.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random queries over {@link FuzzData}'s tables, each a shape the planner distributes differently. */
final class QueryGenerator {
    private final Random random;

    QueryGenerator(long seed) {
        this.random = new Random(seed);
    }

    String next() {
        return switch (random.nextInt(9)) {
            case 0 -> filterQuery();
            case 1, 2 -> groupQuery();
            case 3 -> globalAggregate();
            case 4 -> joinQuery();
            case 5 -> subQuery();
            case 6 -> setOperation();
            case 7 -> windowQuery();
            default -> topN();
        };
    }

    private String filterQuery() {
        return "SELECT k, g, " + expression() + " AS e FROM t1" + where("t1");
    }

    private String groupQuery() {
        String key = pick("k", "g", "dt", "k, g", "coalesce(k, -1)", "upper(g)");
        String sql = "SELECT " + key + ", " + aggregates() + " FROM t1" + where("t1") + " GROUP BY " + key;
        return random.nextInt(3) == 0 ? sql + " HAVING count(*) > " + random.nextInt(4) : sql;
    }

    private String globalAggregate() {
        return "SELECT " + aggregates() + " FROM t1" + where("t1");
    }

    private String joinQuery() {
        String type = pick("JOIN", "LEFT JOIN", "JOIN", "RIGHT JOIN");
        String other = pick("t2", "t3");
        String column = other.equals("t2") ? "h" : "label";
        String join = " FROM t1 " + type + " " + other + " ON t1.k = " + other + ".k";
        if (random.nextBoolean()) {
            return "SELECT t1.k, t1.g, " + other + "." + column + join + where("t1");
        }
        return "SELECT " + other + "." + column + ", count(*), sum(t1.v), min(t1.dt), count(DISTINCT t1.g)" + join
                + where("t1") + " GROUP BY " + other + "." + column;
    }

    private String subQuery() {
        return switch (random.nextInt(4)) {
            case 0 -> "SELECT k, g FROM t1 WHERE k IN (SELECT k FROM t2" + where("t2") + ")";
            case 1 -> "SELECT k, g FROM t1 WHERE k NOT IN (SELECT k FROM t2" + where("t2") + ")";
            case 2 -> "SELECT k, g FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.k = t1.k AND "
                    + predicate("t2") + ")";
            default -> "SELECT k, g, (SELECT max(w) FROM t2 WHERE t2.k = t1.k) AS m FROM t1" + where("t1");
        };
    }

    private String setOperation() {
        String op = pick("UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL");
        return "SELECT k FROM t1" + where("t1") + " " + op + " SELECT k FROM t2" + where("t2");
    }

    private String windowQuery() {
        return "SELECT k, g, " + pick("sum(v) OVER (PARTITION BY g)", "rank() OVER (ORDER BY k)",
                "count(*) OVER (PARTITION BY k)", "max(d) OVER (PARTITION BY g, k)") + " AS w FROM t1" + where("t1");
    }

    private String topN() {
        String sql = "SELECT k, g, v, dt FROM t1" + where("t1") + " ORDER BY k " + pick("ASC", "DESC") + ", g "
                + pick("ASC", "DESC") + ", v, dt LIMIT " + (1 + random.nextInt(20));
        return random.nextBoolean() ? sql + " OFFSET " + random.nextInt(10) : sql;
    }

    private String aggregates() {
        List<String> chosen = new ArrayList<>();
        String[] all = {"count(*)", "count(k)", "sum(v)", "min(g)", "max(dt)", "avg(v)", "count(DISTINCT g)",
            "sum(k)", "min(d)", "max(v)", "stddev_samp(v)", "var_pop(d)"};
        for (String aggregate : all) {
            if (random.nextInt(3) == 0) {
                chosen.add(aggregate);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add("count(*)");
        }
        return String.join(", ", chosen);
    }

    private String expression() {
        return pick("k + 1", "v * 2", "coalesce(k, 0)", "CASE WHEN k > 3 THEN 'big' ELSE g END", "upper(g)",
                "length(g)", "dt", "nullif(g, '')", "abs(d)", "v - 1.5", "k / 2", "v / 3", "k % 3",
                "CASE WHEN k <> 0 THEN k / 3 ELSE 0.5 END", "coalesce(k / 2, 0.5)", "CAST(v AS INTEGER)",
                "CAST(k AS DECIMAL)", "CAST(v AS FLOAT)", "round(v, 1)", "g || '-' || k", "extract(month FROM dt)",
                "dt + INTERVAL '1' DAY", "CAST(2.5 AS INTEGER) + k", "k * 1.5 / 2");
    }

    private String where(String table) {
        return random.nextInt(4) == 0 ? "" : " WHERE " + predicate(table);
    }

    private String predicate(String table) {
        String one = atom(table);
        return switch (random.nextInt(5)) {
            case 0 -> one + " AND " + atom(table);
            case 1 -> "(" + one + " OR " + atom(table) + ")";
            case 2 -> "NOT (" + one + ")";
            default -> one;
        };
    }

    private String atom(String table) {
        String prefix = table + ".";
        if (table.equals("t2")) {
            return switch (random.nextInt(4)) {
                case 0 -> prefix + "k " + comparison() + " " + random.nextInt(12);
                case 1 -> prefix + "h IS " + pick("", "NOT ") + "NULL";
                case 2 -> prefix + "w > " + (random.nextInt(2_000_000) - 1_000_000);
                default -> prefix + "k IN (" + random.nextInt(12) + ", " + random.nextInt(12) + ", NULL)";
            };
        }
        return switch (random.nextInt(7)) {
            case 0 -> prefix + "k " + comparison() + " " + random.nextInt(12);
            case 1 -> prefix + "g = '" + FuzzData.WORDS[random.nextInt(FuzzData.WORDS.length)] + "'";
            case 2 -> prefix + "v BETWEEN " + (random.nextInt(1000) - 500) + " AND " + random.nextInt(1000);
            case 3 -> prefix + "dt >= DATE '2024-0" + (1 + random.nextInt(9)) + "-15'";
            case 4 -> prefix + "g LIKE '" + pick("a", "b", "x") + "%'";
            case 5 -> prefix + pick("k", "g", "v", "d", "dt") + " IS " + pick("", "NOT ") + "NULL";
            default -> prefix + "d " + comparison() + " " + (random.nextInt(200) - 100);
        };
    }

    private String comparison() {
        return pick("=", "<", "<=", ">", ">=", "<>");
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
