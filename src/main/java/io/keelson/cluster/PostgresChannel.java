package io.keelson.cluster;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Carries {@link Signals} between replicas with PostgreSQL's {@code LISTEN/NOTIFY} on the channel
 * {@code keelson}. Two connections of its own, outside the pool: one waits for notifications, one
 * sends them, so a send never waits behind a blocked read. Signals queued while one is sent go out
 * together in the next statement. On any other database there are no other replicas to tell.
 */
@ApplicationScoped
public class PostgresChannel {

    private static final Logger LOG = Logger.getLogger(PostgresChannel.class);
    private static final String CHANNEL = "keelson";
    private static final int MAX_QUEUED = 10_000;

    private final Signals signals;
    private final String dbKind;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>(MAX_QUEUED);
    private volatile boolean stopped;

    public PostgresChannel(
            Signals signals,
            @ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.signals = signals;
        this.dbKind = dbKind;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        if (!"postgresql".equals(dbKind)) {
            return;
        }
        signals.sendRemoteWith(signal -> {
            if (signal.kind() != Signal.Kind.RESYNC && !outgoing.offer(signal.payload())) {
                LOG.debugf("notification queue full; %s goes by the next sweep", signal);
            }
        });
        daemon("keelson-listen", this::listenLoop);
        daemon("keelson-notify", this::sendLoop);
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
    }

    private void listenLoop() {
        int failures = 0;
        while (!stopped) {
            try (Connection c = connect()) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                int self = pg.getBackendPID();
                if (failures > 0) {
                    LOG.infof("notifications from other replicas: listening again");
                }
                failures = 0;
                // What was sent while no one listened is lost: everyone waiting looks at the database again.
                signals.deliver(new Signal(Signal.Kind.RESYNC, ""));
                while (!stopped) {
                    PGNotification[] received = pg.getNotifications(1000);
                    if (received == null) {
                        continue;
                    }
                    for (PGNotification n : received) {
                        Signal signal = Signal.parse(n.getParameter());
                        if (signal != null && n.getPID() != self) {
                            signals.deliver(signal);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                failures++;
                LOG.warnf("notifications from other replicas: connection lost (%s); trying again", e.getMessage());
                sleep(Math.min(10, failures));
            }
        }
    }

    private void sendLoop() {
        Connection c = null;
        while (!stopped) {
            try {
                String first = outgoing.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                Set<String> batch = new LinkedHashSet<>();
                batch.add(first);
                List<String> more = new ArrayList<>();
                outgoing.drainTo(more, 500);
                batch.addAll(more);
                if (c == null || c.isClosed()) {
                    c = connect();
                }
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', p) FROM unnest(?) AS p")) {
                    ps.setArray(1, c.createArrayOf("text", batch.toArray()));
                    ps.execute();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warnf(
                        "notifying other replicas failed (%s); they find the work by their next sweep", e.getMessage());
                close(c);
                c = null;
                sleep(1);
            }
        }
        close(c);
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, username.orElse(null), password.orElse(null));
        c.setAutoCommit(true);
        return c;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // going away anyway
            }
        }
    }

    private static void sleep(int seconds) {
        try {
            TimeUnit.SECONDS.sleep(seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
