package dev.codd.tests;

import dev.codd.node.tpch.TpchQueries;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 22 TPC-H queries, run under a layout of the data: each must return exactly what DuckDB alone
 * returns over the same files (decimals exact, doubles to a relative 1e-9).
 */
@ExtendWith(TestCluster.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TpchSuite {
    TestCluster cluster;
    Connection codd;

    @BeforeAll
    void connect(TestCluster cluster) throws SQLException {
        this.cluster = cluster;
        this.codd = cluster.connect();
    }

    @AfterAll
    void disconnect() throws SQLException {
        codd.close();
    }

    @ParameterizedTest(name = "TPC-H Q{0}")
    @MethodSource("tpchQueries")
    void tpch(int query) throws SQLException {
        QueryAssertions.assertSameResult(codd, cluster.oracle(), TpchQueries.query(query));
    }

    static Stream<Integer> tpchQueries() {
        return IntStream.rangeClosed(1, 22).boxed();
    }

}
