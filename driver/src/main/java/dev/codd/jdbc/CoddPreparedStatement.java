package dev.codd.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.Meta;

/** A statement prepared on the requester, its parameters bound there as typed values. */
final class CoddPreparedStatement extends AvaticaPreparedStatement {
    CoddPreparedStatement(AvaticaConnection connection, Meta.StatementHandle handle, Meta.Signature signature,
            int type, int concurrency, int holdability) throws SQLException {
        super(connection, handle, signature, type, concurrency, holdability);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        try {
            return super.executeQuery();
        } catch (SQLException e) {
            throw CoddErrors.cancelled(e, cancelFlag.get());
        }
    }

    @Override
    public boolean execute() throws SQLException {
        try {
            return super.execute();
        } catch (SQLException e) {
            throw CoddErrors.cancelled(e, cancelFlag.get());
        }
    }

    /** Also stops a query that is still starting on the requester. */
    @Override
    public void cancel() throws SQLException {
        super.cancel();
        ((CoddConnection) connection).coddMeta().cancelStart(handle);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        try {
            return super.executeLargeUpdate();
        } catch (SQLException e) {
            throw CoddErrors.unwrap(e);
        }
    }
}
