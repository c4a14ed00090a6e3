package dev.codd.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.InternalProperty;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;

/** A connection to one requester; it fails at once when the requester cannot be reached. */
final class CoddConnection extends AvaticaConnection {
    CoddConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info)
            throws SQLException {
        super(driver, factory, url, info);
        // as DuckDB names things: unquoted names keep their case and match without regard to it (NULLs sort
        // last, as Avatica assumes already)
        properties.put(InternalProperty.CASE_SENSITIVE, false);
        properties.put(InternalProperty.UNQUOTED_CASING, Casing.UNCHANGED);
        properties.put(InternalProperty.QUOTED_CASING, Casing.UNCHANGED);
        properties.put(InternalProperty.QUOTING, Quoting.DOUBLE_QUOTE);
        ((CoddMeta) meta).connect(CoddUrl.parse(url, info));
    }

    CoddMeta coddMeta() {
        return (CoddMeta) meta;
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        try {
            return super.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        } catch (SQLException e) {
            throw CoddErrors.unwrap(e);
        }
    }
}
