package dev.codd.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaResultSetMetaData;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;

/** Creates Codd's JDBC objects; Avatica supplies the JDBC object model they extend. */
final class CoddFactory implements AvaticaFactory {
    @Override
    public int getJdbcMajorVersion() {
        return 4;
    }

    @Override
    public int getJdbcMinorVersion() {
        return 2;
    }

    @Override
    public AvaticaConnection newConnection(UnregisteredDriver driver, AvaticaFactory factory, String url,
            Properties info) throws SQLException {
        return new CoddConnection(driver, factory, url, info);
    }

    @Override
    public AvaticaStatement newStatement(AvaticaConnection connection, Meta.StatementHandle handle, int type,
            int concurrency, int holdability) {
        return new CoddStatement(connection, handle, type, concurrency, holdability);
    }

    @Override
    public AvaticaPreparedStatement newPreparedStatement(AvaticaConnection connection, Meta.StatementHandle handle,
            Meta.Signature signature, int type, int concurrency, int holdability) throws SQLException {
        return new CoddPreparedStatement(connection, handle, signature, type, concurrency, holdability);
    }

    @Override
    public AvaticaResultSet newResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
            TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
        ResultSetMetaData metaData = newResultSetMetaData(statement, signature);
        return new CoddResultSet(statement, state, signature, metaData, timeZone, firstFrame);
    }

    @Override
    public AvaticaSpecificDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
        return new CoddDatabaseMetaData(connection);
    }

    @Override
    public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement, Meta.Signature signature) {
        return new AvaticaResultSetMetaData(statement, null, signature);
    }

    /** Avatica's metadata (whose constructor is not public), with the requester's version as the database's. */
    private static final class CoddDatabaseMetaData extends AvaticaDatabaseMetaData {
        private final String serverVersion;

        CoddDatabaseMetaData(AvaticaConnection connection) {
            super(connection);
            serverVersion = ((CoddConnection) connection).coddMeta().serverVersion();
        }

        @Override
        public String getDatabaseProductVersion() {
            return serverVersion;
        }

        @Override
        public int getDatabaseMajorVersion() {
            return CoddDriver.major(serverVersion);
        }

        @Override
        public int getDatabaseMinorVersion() {
            return CoddDriver.minor(serverVersion);
        }
    }
}
