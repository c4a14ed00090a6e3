package dev.codd.tests;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Run in its own small JVM: reads a whole table through the driver and prints what it counted. */
public final class StreamingClient {
    private StreamingClient() {}

    public static void main(String[] args) throws Exception {
        long rows = 0;
        long idSum = 0;
        long payloadChars = 0;
        try (Connection connection = DriverManager.getConnection(args[0]);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(args[1])) {
            while (result.next()) {
                rows++;
                idSum += result.getLong(1);
                payloadChars += result.getString(2).length();
            }
        }
        System.out.println("rows=" + rows + " idSum=" + idSum + " payloadChars=" + payloadChars
                + " maxHeap=" + Runtime.getRuntime().maxMemory());
    }
}
