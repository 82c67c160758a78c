package io.keelson.cluster;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The database's time: leases are compared on one clock, the database's, so replicas whose clocks
 * disagree cannot cut each other's leases short.
 */
final class DatabaseClock {

    private static final String NOW = "select current_timestamp";

    private DatabaseClock() {}

    static Instant now(EntityManager em) {
        return toInstant(em.createNativeQuery(NOW).getSingleResult());
    }

    static Instant now(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(NOW)) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static Instant toInstant(Object value) {
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        throw new IllegalStateException("the database answered its time as " + value);
    }
}
