package io.keelson.identity;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ID token ids ({@code jti}) already spent, in the database: every replica sees them, a restart
 * forgets none. A row lives until its token's {@code exp} plus the leeway, when the token could not
 * pass anyway; expired rows are pruned every {@link #PRUNE_EVERY} or so, by the replica that spends
 * a token then. Spending is one insert: of two replicas given the same token at once, the primary
 * key lets exactly one through.
 */
@ApplicationScoped
public class SpentTokenIds {

    /** The clock skew a token's times are allowed. */
    public static final Duration LEEWAY = Duration.ofSeconds(60);

    /** Expired rows go at most this often: a prune per request was a second statement on every call. */
    static final Duration PRUNE_EVERY = Duration.ofSeconds(30);

    private final EntityManager entities;
    private final Clock clock;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    public SpentTokenIds(EntityManager entities, Clock clock) {
        this.entities = entities;
        this.clock = clock;
    }

    /** Spends {@code jti} of {@code issuer}; false when it was spent before (a replay). */
    public boolean spend(String issuer, String jti, Instant expiresAt) {
        String id = id(issuer, jti);
        OffsetDateTime keep = OffsetDateTime.ofInstant(expiresAt.plus(LEEWAY), ZoneOffset.UTC);
        Instant now = clock.instant();
        Instant due = nextPrune.get();
        boolean prune = !now.isBefore(due) && nextPrune.compareAndSet(due, now.plus(PRUNE_EVERY));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (prune) {
                    entities.createNativeQuery("DELETE FROM spent_token_id WHERE expires_at < ?1")
                            .setParameter(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                            .executeUpdate();
                }
                entities.createNativeQuery("INSERT INTO spent_token_id (id, expires_at) VALUES (?1, ?2)")
                        .setParameter(1, id)
                        .setParameter(2, keep)
                        .executeUpdate();
            });
            return true;
        } catch (PersistenceException e) {
            if (spent(id)) {
                return false;
            }
            throw e;
        }
    }

    private boolean spent(String id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> !entities.createNativeQuery("SELECT id FROM spent_token_id WHERE id = ?1")
                        .setParameter(1, id)
                        .getResultList()
                        .isEmpty());
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
