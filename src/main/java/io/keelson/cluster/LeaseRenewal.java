package io.keelson.cluster;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Renews the leases of the lanes this replica holds, on a thread and a database connection of its
 * own: API requests, log readers or schedules that use up the worker pool or the connection pool
 * cannot delay a renewal until the lease runs out under a running deployment. A renewal the
 * database refuses (another replica took the lane) ends this replica's claim at once; one that does
 * not get through lets the claim lapse by itself ({@link Leases#proven}).
 */
@ApplicationScoped
public class LeaseRenewal {

    private static final Logger LOG = Logger.getLogger(LeaseRenewal.class);
    private static final String RENEW = "update lane set lease_until = ? where target = ? and holder = ? and fence = ?";

    private final Leases leases;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lease-renewal");
        thread.setDaemon(true);
        return thread;
    });
    private Connection connection;

    public LeaseRenewal(
            Leases leases,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.leases = leases;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void onStart(@Observes StartupEvent event) {
        long every = leases.config().renewEvery().toMillis();
        timer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
        closeConnection();
    }

    /** Extends every lease this replica holds, each only if the lane still has this replica and its fence. */
    void renewAll() {
        Map<String, Long> fences = leases.heldFences();
        if (fences.isEmpty()) {
            return;
        }
        long sentAt = System.nanoTime();
        try {
            Connection db = connection();
            Instant until = DatabaseClock.now(db).plus(leases.config().leaseTtl());
            try (PreparedStatement renew = db.prepareStatement(RENEW)) {
                renew.setQueryTimeout(timeoutSeconds());
                for (Map.Entry<String, Long> lane : fences.entrySet()) {
                    renew.setObject(1, until.atOffset(ZoneOffset.UTC));
                    renew.setString(2, lane.getKey());
                    renew.setString(3, leases.replicaId());
                    renew.setLong(4, lane.getValue());
                    if (renew.executeUpdate() == 1) {
                        leases.confirmed(lane.getKey(), lane.getValue(), sentAt);
                    } else {
                        leases.lost(lane.getKey(), lane.getValue());
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            LOG.warnf(
                    "renewing lane leases failed (%s); this replica stops changing hosts when they run out,"
                            + " and another one takes the lanes over if this lasts",
                    e.getMessage());
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Properties props = new Properties();
            props.setProperty("user", user);
            password.ifPresent(p -> props.setProperty("password", p));
            // PostgreSQL: a database that stops answering fails the renewal instead of holding it.
            props.setProperty("socketTimeout", String.valueOf(timeoutSeconds()));
            props.setProperty("connectTimeout", String.valueOf(timeoutSeconds()));
            connection = DriverManager.getConnection(url, url.startsWith("jdbc:postgresql:") ? props : plain(props));
            connection.setAutoCommit(true);
        }
        return connection;
    }

    /** H2 refuses connection properties it does not know. */
    private static Properties plain(Properties props) {
        Properties only = new Properties();
        only.setProperty("user", props.getProperty("user"));
        if (props.getProperty("password") != null) {
            only.setProperty("password", props.getProperty("password"));
        }
        return only;
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, leases.config().renewEvery().toSeconds());
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone already
            }
            connection = null;
        }
    }
}
