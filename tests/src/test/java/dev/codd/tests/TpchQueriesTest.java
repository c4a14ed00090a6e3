package dev.codd.tests;

import dev.codd.node.tpch.TpchQueries;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The 22 TPC-H queries over three nodes return exactly what DuckDB alone returns over the same files. */
@ExtendWith(TpchCluster.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TpchQueriesTest {
    private TpchCluster tpch;
    private Connection codd;

    @BeforeAll
    void connect(TpchCluster tpch) throws SQLException {
        this.tpch = tpch;
        this.codd = tpch.connect();
    }

    @AfterAll
    void disconnect() throws SQLException {
        codd.close();
    }

    @ParameterizedTest(name = "Q{0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
    void matchesDuckDbAlone(int query) throws SQLException {
        QueryAssertions.assertSameResult(codd, tpch.oracle(), TpchQueries.query(query));
    }
}
