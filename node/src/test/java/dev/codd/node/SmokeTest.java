package dev.codd.node;

import dev.codd.node.tpch.TpchData;
import dev.codd.node.tpch.TpchQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir Path dir;

    @Test
    void runs() throws Exception {
        List<Path> dirs = List.of(dir.resolve("n1"), dir.resolve("n2"), dir.resolve("n3"));
        for (Path d : dirs) Files.createDirectories(d);
        long t0 = System.nanoTime();
        TpchData.writeSharded(0.01, dirs);
        System.out.println("gen ms " + (System.nanoTime() - t0) / 1_000_000);
        try (LocalCluster cluster = LocalCluster.start(dirs);
             RootAllocator allocator = new RootAllocator()) {
            System.out.println(cluster.requester().registry().catalog().tables().keySet());
            var address = cluster.requester().address();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(cluster.jdbcUrl())) {
                for (String sql : List.of(TpchQueries.query(1), TpchQueries.query(3), "SELECT * FROM nation ORDER BY n_nationkey LIMIT 3", "SELECT o_orderdate, o_totalprice, o_orderkey FROM orders WHERE o_orderkey < 5")) {
                    try (java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
                        var md = rs.getMetaData();
                        while (rs.next()) { StringBuilder b = new StringBuilder(); for (int i = 1; i <= md.getColumnCount(); i++) b.append(md.getColumnLabel(i)).append(":").append(md.getColumnTypeName(i)).append("=").append(rs.getObject(i)).append(" "); System.out.println(b); }
                    }
                }
                try (var ps = c.prepareStatement("SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_orderkey < ? AND l_returnflag = ?")) {
                    ps.setInt(1, 100); ps.setString(2, "R");
                    try (var rs = ps.executeQuery()) { rs.next(); System.out.println("prepared: " + rs.getLong(1) + " " + rs.getBigDecimal(2)); }
                }
                try { c.createStatement().executeQuery("SELEC 1"); } catch (java.sql.SQLException e) { System.out.println(e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getMessage()); }
                try { c.createStatement().executeQuery("SELECT * FROM nope"); } catch (java.sql.SQLException e) { System.out.println(e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getMessage()); }
                try { c.createStatement().executeQuery("SELECT nope FROM nation"); } catch (java.sql.SQLException e) { System.out.println(e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getMessage()); }
                var tables = c.getMetaData().getTables(null, null, "%", null);
                while (tables.next()) System.out.print(tables.getString("TABLE_NAME") + " ");
                var cols = c.getMetaData().getColumns(null, null, "orders", null);
                while (cols.next()) System.out.println(cols.getString("COLUMN_NAME") + " " + cols.getInt("DATA_TYPE") + " " + cols.getString("TYPE_NAME") + " " + cols.getInt("ORDINAL_POSITION"));
                System.out.println(c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion() + " " + c.getMetaData().getDriverVersion());
            }
            try (FlightSqlClient client = new FlightSqlClient(FlightClient.builder(allocator, Location.forGrpcInsecure(address.host(), address.port())).build())) {
                for (String sql : List.of(TpchQueries.query(1), TpchQueries.query(6), TpchQueries.query(3), "SELECT count(*) FROM lineitem", "SELECT * FROM nation ORDER BY n_nationkey LIMIT 3")) {
                    long s = System.nanoTime();
                    FlightInfo info = client.execute(sql);
                    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                        while (stream.next()) System.out.println(stream.getRoot().contentToTSVString());
                    }
                    System.out.println("ms " + (System.nanoTime() - s) / 1_000_000 + " " + cluster.requester().queries().recent().get(0));
                }
            }
        }
    }
}
