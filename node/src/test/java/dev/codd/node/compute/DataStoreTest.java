package dev.codd.node.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codd.executors.DuckDbExecutor;
import dev.codd.executors.Input;
import dev.codd.node.wire.ShardInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataStoreTest {
    @Test
    void aDuckDbFileReplacedInPlaceServesItsNewContent(@TempDir Path data, @TempDir Path elsewhere) throws Exception {
        Path file = data.resolve("sales.duckdb");
        writeDatabase(file, 1);
        try (DuckDbExecutor duckdb = DuckDbExecutor.confinedTo(data)) {
            DataStore store = new DataStore(data, duckdb);
            assertEquals(1, count(duckdb, store));

            // the way a database is published anew: written elsewhere, moved over the old one
            Path next = elsewhere.resolve("sales.duckdb");
            writeDatabase(next, 3);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(3, count(duckdb, store));
        }
    }

    private static void writeDatabase(Path file, int rows) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders AS SELECT range AS id FROM range(" + rows + ")");
        }
    }

    /** Rows of table orders as the store's catalog and its bound source both see them (they must agree). */
    private static long count(DuckDbExecutor duckdb, DataStore store) {
        List<ShardInfo> shards = store.scan().shards();
        assertEquals(1, shards.size(), shards.toString());
        Input.Source source = store.sources("orders", List.of(shards.get(0).cid())).get(0);
        long counted = duckdb.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM " + source.sql())) {
                result.next();
                return result.getLong(1);
            }
        });
        assertEquals(shards.get(0).rows(), counted);
        return counted;
    }
}
