package dev.codd.tests;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TPC-H and SQL beyond it, run under every layout of the data with the NULL-heavy and empty tables:
 * each query must return exactly what DuckDB alone returns over the same files.
 */
abstract class QueryCorrectnessSuite extends TpchSuite {
    @ParameterizedTest(name = "{0}")
    @MethodSource("sqlQueries")
    void sql(String name, String sql) throws SQLException {
        QueryAssertions.assertSameResult(codd, cluster.oracle(), sql);
    }

    /** SQL beyond TPC-H, over TPC-H and the NULL-heavy and empty tables. */
    static Stream<Arguments> sqlQueries() {
        List<Arguments> queries = new ArrayList<>();
        add(queries, "count distinct", "SELECT count(DISTINCT l_suppkey), count(DISTINCT l_returnflag) FROM lineitem");
        add(queries, "count distinct grouped", "SELECT l_returnflag, count(DISTINCT l_partkey), count(*) FROM lineitem "
                + "GROUP BY l_returnflag");
        add(queries, "avg stddev var", "SELECT l_returnflag, avg(l_quantity), stddev_samp(l_extendedprice), "
                + "var_pop(l_discount), var_samp(l_tax), stddev_pop(l_quantity) FROM lineitem GROUP BY l_returnflag");
        add(queries, "stddev var with nulls", "SELECT grp, stddev_samp(x), var_pop(y), var_samp(d), stddev_pop(x), "
                + "count(*), count(y), sum(x), min(y), max(d) FROM nullish GROUP BY grp");
        add(queries, "stddev var of single rows", "SELECT id, stddev_samp(x), var_pop(x), variance(y), stddev(y) "
                + "FROM nullish WHERE id < 40 GROUP BY id");
        // sums of squares would lose the variance to the mean's square here: 1e6 against 1e-3
        add(queries, "stddev var far from zero", "SELECT l_returnflag, stddev_samp(1000 + l_discount), "
                + "var_pop(1000 + l_tax), var_samp(l_quantity) FROM lineitem GROUP BY l_returnflag");
        add(queries, "stddev var of everything", "SELECT stddev_pop(l_extendedprice), var_samp(l_quantity), count(*) "
                + "FROM lineitem");
        add(queries, "stddev var of nothing", "SELECT stddev_samp(w), var_pop(w), count(*), max(w) FROM nothing");
        add(queries, "stddev var ungrouped over an empty shard", "SELECT stddev_samp(x), var_pop(d), count(*) FROM nullish");
        add(queries, "stddev var where every shard is empty", "SELECT stddev_samp(x), var_pop(d), count(*) FROM nullish "
                + "WHERE abs(x) > 1000");
        add(queries, "stddev var with a shard of nulls", "SELECT grp, stddev_samp(CASE WHEN id < 600 THEN NULL ELSE x END), "
                + "var_samp(CASE WHEN id >= 600 THEN NULL ELSE y END) FROM nullish GROUP BY grp");
        // DuckDB gives equal values a variance of exactly 0, however large they are
        add(queries, "stddev var of equal values", "SELECT grp, var_pop(id * 0 + 1234567890123457.8::DOUBLE), "
                + "stddev_samp(id * 0 + 1e15) FROM nullish GROUP BY grp");
        add(queries, "stddev var of a value never null", "SELECT id % 7, var_samp(coalesce(x, 0)), stddev_pop(coalesce(y, 1)) "
                + "FROM nullish WHERE id < 10 GROUP BY id % 7");
        add(queries, "stddev var of one column thrice", "SELECT grp, stddev_samp(x), var_pop(x), count(x), sum(x) FROM nullish "
                + "GROUP BY grp");
        add(queries, "aggregate of a window", "SELECT grp, max(rn), sum(rn) FROM (SELECT grp, row_number() OVER "
                + "(PARTITION BY grp ORDER BY id) AS rn FROM nullish) AS t GROUP BY grp");
        add(queries, "duckdb aggregates", "SELECT l_returnflag, median(l_quantity), median(l_partkey), "
                + "median(l_shipdate), median(l_shipmode), corr(l_quantity, l_extendedprice), kurtosis(l_discount), "
                + "skewness(l_tax), entropy(l_shipmode) FROM lineitem GROUP BY l_returnflag");
        add(queries, "duckdb aggregates with nulls", "SELECT grp, median(x), median(y), mode(flag), product(x % 3 + 1), "
                + "count(*) FROM nullish GROUP BY grp");
        // DuckDB takes only constants for these arguments; Calcite makes them columns
        add(queries, "quantiles and separators", "SELECT l_returnflag, quantile_cont(l_quantity, 0.25), "
                + "quantile_disc(l_tax, 0.9), quantile(l_shipdate, 0.5), percentile_cont(0.75) WITHIN GROUP "
                + "(ORDER BY l_discount), percentile_disc(0.5) WITHIN GROUP (ORDER BY l_extendedprice), "
                + "length(string_agg(l_shipmode, ', ')) FROM lineitem GROUP BY l_returnflag");
        // only the arguments DuckDB takes as constants become literals: a literal has a type of its own
        add(queries, "aggregates of a column a filter makes constant", "SELECT max(l_orderkey), sum(l_orderkey), "
                + "min(l_discount), count(l_orderkey) FROM lineitem WHERE l_orderkey = 7 AND l_discount = 0.05");
        add(queries, "grouping of a column a filter makes constant", "SELECT l_returnflag, grouping(l_returnflag), "
                + "count(*) FROM lineitem WHERE l_returnflag = 'A' GROUP BY ROLLUP(l_returnflag)");
        add(queries, "quantiles with nulls", "SELECT grp, quantile_cont(x, 0.5), quantile_disc(s, 0.1), count(*) FROM nullish "
                + "GROUP BY grp");
        add(queries, "more duckdb aggregates", "SELECT l_returnflag, arbitrary(l_returnflag), "
                + "max_by(l_quantity, l_orderkey * 10 + l_linenumber), min_by(l_shipdate, l_orderkey * 10 + l_linenumber), "
                + "fsum(l_tax), favg(l_tax), geomean(l_quantity), regr_slope(l_extendedprice, l_quantity), "
                + "kurtosis_pop(l_discount), count_if(l_tax > 0.02), "
                + "len(list(l_tax)) FROM lineitem GROUP BY l_returnflag");
        // one value per group: first and last of any other column would depend on the order rows come in
        add(queries, "first and last", "SELECT l_returnflag, first(l_returnflag), last(l_returnflag), count(*) FROM lineitem "
                + "GROUP BY l_returnflag");
        add(queries, "duckdb aggregates ungrouped", "SELECT mode(grp), median(d), corr(x, y) FROM nullish");
        add(queries, "limit offset", "SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC, o_orderkey "
                + "LIMIT 10 OFFSET 5");
        add(queries, "window functions", "SELECT o_custkey, o_orderkey, row_number() OVER (PARTITION BY o_custkey "
                + "ORDER BY o_orderdate, o_orderkey) AS rn, rank() OVER (ORDER BY o_totalprice DESC) AS rk, "
                + "sum(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderdate, o_orderkey "
                + "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running FROM orders WHERE o_custkey < 50");
        add(queries, "rollup", "SELECT l_returnflag, l_linestatus, sum(l_quantity), count(*), grouping(l_returnflag) "
                + "FROM lineitem GROUP BY ROLLUP(l_returnflag, l_linestatus)");
        add(queries, "cube", "SELECT l_returnflag, l_shipmode, avg(l_discount), max(l_shipdate) FROM lineitem "
                + "GROUP BY CUBE(l_returnflag, l_shipmode)");
        add(queries, "grouping sets", "SELECT grp, flag, count(*), sum(x) FROM nullish "
                + "GROUP BY GROUPING SETS ((grp), (flag), ())");
        add(queries, "exists", "SELECT count(*) FROM customer WHERE EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey "
                + "AND o_totalprice > 300000)");
        add(queries, "not exists", "SELECT count(*) FROM customer WHERE NOT EXISTS (SELECT 1 FROM orders "
                + "WHERE o_custkey = c_custkey)");
        add(queries, "in", "SELECT c_custkey FROM customer WHERE c_custkey IN (SELECT o_custkey FROM orders "
                + "WHERE o_totalprice > 400000)");
        add(queries, "not in with nulls", "SELECT count(*) FROM nullish WHERE x NOT IN (SELECT x FROM nullish "
                + "WHERE grp = 'b')");
        add(queries, "not in without nulls", "SELECT count(*) FROM nullish WHERE id NOT IN (SELECT x FROM nullish "
                + "WHERE x IS NOT NULL)");
        add(queries, "scalar subquery", "SELECT count(*) FROM orders WHERE o_totalprice > (SELECT avg(o_totalprice) "
                + "FROM orders)");
        add(queries, "correlated scalar subquery", "SELECT c_custkey, (SELECT max(o_totalprice) FROM orders "
                + "WHERE o_custkey = c_custkey) FROM customer WHERE c_custkey < 40");
        add(queries, "union", "SELECT n_regionkey FROM nation UNION SELECT r_regionkey FROM region");
        add(queries, "union all", "SELECT n_regionkey FROM nation UNION ALL SELECT r_regionkey FROM region");
        add(queries, "intersect", "SELECT o_custkey FROM orders INTERSECT SELECT c_custkey FROM customer "
                + "WHERE c_nationkey = 3");
        add(queries, "intersect all", "SELECT x FROM nullish INTERSECT ALL SELECT x FROM nullish WHERE grp = 'a'");
        add(queries, "except", "SELECT c_custkey FROM customer EXCEPT SELECT o_custkey FROM orders");
        add(queries, "except all", "SELECT grp FROM nullish EXCEPT ALL SELECT grp FROM nullish WHERE x > 50");
        add(queries, "case coalesce nullif", "SELECT grp, sum(CASE WHEN x > 50 THEN 1 ELSE 0 END), "
                + "coalesce(sum(y), 0), count(nullif(s, '')), max(coalesce(s, 'none')) FROM nullish GROUP BY grp");
        add(queries, "string functions", "SELECT upper(n_name), lower(n_name), length(n_comment), substr(n_name, 2, 3), "
                + "n_name || '-' || n_regionkey, replace(n_name, 'A', 'a'), trim('  x  '), position('A' IN n_name) "
                + "FROM nation");
        add(queries, "like", "SELECT count(*) FROM part WHERE p_name LIKE '%green%' AND p_type NOT LIKE 'PROMO%'");
        add(queries, "date functions", "SELECT extract(year FROM o_orderdate) AS y, extract(month FROM o_orderdate) AS m, "
                + "count(*), min(o_orderdate + INTERVAL '1' MONTH) FROM orders GROUP BY 1, 2");
        add(queries, "date_trunc", "SELECT date_trunc('month', o_orderdate) AS month, count(*) FROM orders GROUP BY 1");
        add(queries, "casts", "SELECT CAST(l_quantity AS INTEGER), CAST(l_shipdate AS VARCHAR), CAST(l_orderkey AS DOUBLE), "
                + "CAST(l_discount AS DECIMAL(6,3)) FROM lineitem WHERE l_orderkey < 100");
        add(queries, "values", "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, NULL)) AS t(k, v)");
        add(queries, "values joined", "SELECT n_name, v FROM nation JOIN (VALUES (1, 'one'), (2, 'two')) AS t(k, v) "
                + "ON n_nationkey = k");
        add(queries, "with", "WITH big AS (SELECT o_custkey, sum(o_totalprice) AS total FROM orders GROUP BY o_custkey) "
                + "SELECT count(*), max(total) FROM big WHERE total > 100000");
        add(queries, "left join", "SELECT n_name, count(s_suppkey) FROM nation LEFT JOIN supplier ON s_nationkey = n_nationkey "
                + "AND s_acctbal > 9000 GROUP BY n_name");
        add(queries, "right join", "SELECT r_name, n_name FROM nation RIGHT JOIN region ON n_regionkey = r_regionkey "
                + "AND n_name LIKE 'A%'");
        add(queries, "full join", "SELECT a.id, b.id FROM nullish a FULL JOIN nullish b ON a.x = b.id WHERE a.id < 50 "
                + "OR b.id < 50");
        add(queries, "empty table", "SELECT count(*), sum(k), avg(w), max(v) FROM nothing");
        add(queries, "empty table rows", "SELECT * FROM nothing");
        add(queries, "empty table grouped", "SELECT v, count(*) FROM nothing GROUP BY v");
        add(queries, "every shard pruned", "SELECT l_orderkey, l_quantity, l_shipdate, l_comment FROM lineitem "
                + "WHERE l_orderkey < 0");
        add(queries, "every shard pruned aggregated", "SELECT l_returnflag, sum(l_quantity), count(*) FROM lineitem "
                + "WHERE l_orderkey < 0 GROUP BY l_returnflag");
        add(queries, "join with empty table", "SELECT count(*) FROM nation JOIN nothing ON n_nationkey = k");
        add(queries, "nulls grouped", "SELECT grp, count(x), count(*), sum(x), min(s), max(dt), avg(d), bool_or(flag) "
                + "FROM nullish GROUP BY grp");
        add(queries, "nulls ordered", "SELECT id, x FROM nullish ORDER BY x DESC NULLS FIRST, id LIMIT 20");
        add(queries, "nulls last by default", "SELECT id, y FROM nullish ORDER BY y, id LIMIT 20");
        add(queries, "division", "SELECT id, x / 3, x * 1.5 / 2, sum(x) OVER () / count(x) OVER () FROM nullish "
                + "WHERE id < 30");
        add(queries, "having", "SELECT o_custkey, count(*) FROM orders GROUP BY o_custkey HAVING count(*) > 20");
        add(queries, "distinct", "SELECT DISTINCT l_shipmode, l_returnflag FROM lineitem");
        add(queries, "min max of strings and dates", "SELECT min(c_name), max(c_phone), min(o_orderdate), "
                + "max(o_orderdate) FROM customer, orders WHERE c_custkey = o_custkey AND c_custkey < 10");
        return queries.stream();
    }

    private static void add(List<Arguments> queries, String name, String sql) {
        queries.add(Arguments.of(name, sql));
    }
}
