package io.keelson.identity;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The ID token ids ({@code jti}) already spent, in the database: every replica sees them, a restart
 * forgets none. A row lives until its token's {@code exp} plus the leeway, when the token could not
 * pass anyway; expired rows are pruned every {@link #PRUNE_EVERY} or so, by the replica that spends
 * a token then. Spending is one insert: of two replicas given the same token at once, the primary
 * key lets exactly one through.
 *
 * <p>The insert runs on a pooled connection in auto-commit, not in a managed transaction: it is the
 * whole of the request's write, and the transaction manager and the ORM around that one statement
 * were about a third of the spend's CPU (a profile of bench/auth.sh). What is left is the database's
 * commit, written at once (H2 runs with {@code WRITE_DELAY 0}: a restart forgets no spent id).
 */
@ApplicationScoped
public class SpentTokenIds {

    /** The clock skew a token's times are allowed. */
    public static final Duration LEEWAY = Duration.ofSeconds(60);

    /** Expired rows go at most this often: a prune per request was a second statement on every call. */
    static final Duration PRUNE_EVERY = Duration.ofSeconds(30);

    /** SQL's "unique violation", the same on H2 and PostgreSQL: the id is in the table already. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource database;
    private final Clock clock;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    public SpentTokenIds(DataSource database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Spends {@code jti} of {@code issuer}; false when it was spent before (a replay). */
    public boolean spend(String issuer, String jti, Instant expiresAt) {
        Instant now = clock.instant();
        Instant due = nextPrune.get();
        boolean prune = !now.isBefore(due) && nextPrune.compareAndSet(due, now.plus(PRUNE_EVERY));
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(true);
            if (prune) {
                try (PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM spent_token_id WHERE expires_at < ?")) {
                    delete.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    delete.executeUpdate();
                }
            }
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO spent_token_id (id, expires_at) VALUES (?, ?)")) {
                insert.setString(1, id(issuer, jti));
                insert.setObject(2, OffsetDateTime.ofInstant(expiresAt.plus(LEEWAY), ZoneOffset.UTC));
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the database did not record the ID token's use: " + e.getMessage(), e);
        }
    }

    private static String id(String issuer, String jti) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest((issuer + "\n" + jti).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
