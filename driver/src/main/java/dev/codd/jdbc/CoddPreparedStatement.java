package dev.codd.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLType;
import java.time.temporal.Temporal;
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

    /**
     * A java.time value with a target type (as tools bind from ParameterMetaData) is bound as itself:
     * Avatica would convert it through milliseconds, or drop it when a scale is given.
     */
    @Override
    public void setObject(int parameterIndex, Object value, int targetSqlType) throws SQLException {
        if (value instanceof Temporal) {
            setObject(parameterIndex, value);
        } else {
            super.setObject(parameterIndex, value, targetSqlType);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object value, int targetSqlType, int scaleOrLength) throws SQLException {
        if (value instanceof Temporal) {
            setObject(parameterIndex, value);
        } else {
            super.setObject(parameterIndex, value, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object value, SQLType targetSqlType) throws SQLException {
        setObject(parameterIndex, value, targetSqlType.getVendorTypeNumber());
    }

    @Override
    public void setObject(int parameterIndex, Object value, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        setObject(parameterIndex, value, targetSqlType.getVendorTypeNumber(), scaleOrLength);
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
