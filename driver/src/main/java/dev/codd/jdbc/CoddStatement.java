package dev.codd.jdbc;

import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/** A statement whose errors carry the requester's SQLState and message, not Avatica's wrapping. */
final class CoddStatement extends AvaticaStatement {
    CoddStatement(AvaticaConnection connection, Meta.StatementHandle handle, int type, int concurrency,
            int holdability) {
        super(connection, handle, type, concurrency, holdability);
    }

    @Override
    protected void executeInternal(String sql) throws SQLException {
        try {
            super.executeInternal(sql);
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
}
