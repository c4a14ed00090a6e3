package dev.codd.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.TimeZone;
import org.apache.arrow.flight.FlightInfo;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;

/**
 * A forward-only result set. A query's rows come from the Flight stream of its {@link FlightInfo},
 * one Arrow batch in memory at a time; metadata result sets are Avatica's own.
 */
final class CoddResultSet extends AvaticaResultSet {
    private ArrowCursor arrowCursor;

    CoddResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
            ResultSetMetaData metaData, TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
        super(statement, state, signature, metaData, timeZone, firstFrame);
    }

    @Override
    protected AvaticaResultSet execute() throws SQLException {
        CoddMeta.Started started = CoddMeta.started(signature);
        if (started == null) {
            return super.execute();
        }
        CoddMeta meta = ((CoddConnection) statement.getConnection()).coddMeta();
        arrowCursor = new ArrowCursor(meta, started, statement.getLargeMaxRows());
        return execute2(arrowCursor, signature.columns);
    }

    /** Avatica has no default object for TIMESTAMP WITH TIME ZONE: it is an {@link OffsetDateTime}, as JDBC 4.2 maps it. */
    @Override
    public Object getObject(int columnIndex) throws SQLException {
        if (columnIndex >= 1 && columnIndex <= signature.columns.size()
                && signature.columns.get(columnIndex - 1).type.id == Types.TIMESTAMP_WITH_TIMEZONE) {
            return getObject(columnIndex, OffsetDateTime.class);
        }
        return super.getObject(columnIndex);
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public boolean next() throws SQLException {
        try {
            return super.next();
        } catch (CoddErrors.Carrier e) {
            throw e.sqlException();
        }
    }

    @Override
    protected void cancel() {
        super.cancel();
        ArrowCursor cursor = arrowCursor;
        if (cursor != null) {
            cursor.cancel();
        }
    }
}
