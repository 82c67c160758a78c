package io.keelson.environment;

import io.keelson.deploy.Trigger;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A review environment while it exists: from its creation until its project is gone from every
 * host. Its row is removed then; its deployments (the last one its STOP or EXPIRE) stay.
 */
@Entity
@Table(name = "environment")
public class Environment extends PanacheEntityBase {

    /** Whether it serves, or its end is queued or running. */
    public enum State {
        ACTIVE,
        STOPPING
    }

    /** The environment's own target: {@code template--slug}. */
    @Id
    public String target;

    public String template;
    public String slug;

    @Enumerated(EnumType.STRING)
    public State state;

    @Column(name = "ttl_seconds")
    public long ttlSeconds;

    public String url;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Counts the attempts to end it; with {@link #createdAt}, names the deployment of the current one. */
    @Column(name = "stop_attempt")
    public int stopAttempt;

    /** STOP or EXPIRE while it is STOPPING. */
    @Enumerated(EnumType.STRING)
    @Column(name = "stop_trigger")
    public Trigger stopTrigger;

    public static Optional<Environment> byTarget(String target) {
        return findByIdOptional(target);
    }

    /** The row, locked until the transaction ends: one writer at a time, on any replica. */
    public static Optional<Environment> locked(String target) {
        return findByIdOptional(target, LockModeType.PESSIMISTIC_WRITE);
    }

    public static List<Environment> ofTemplate(String template) {
        return list("template = ?1 order by slug", template);
    }

    public static long countOfTemplate(String template) {
        return count("template", template);
    }

    /** The environments whose time is up (at {@code now}), oldest first. */
    public static List<Environment> expiredAt(Instant now, int limit) {
        return find("state = ?1 and expiresAt <= ?2 order by expiresAt", State.ACTIVE, now)
                .page(0, limit)
                .list();
    }

    public static List<Environment> active(int limit) {
        return find("state = ?1 order by target", State.ACTIVE).page(0, limit).list();
    }

    public static List<Environment> stopping(int limit) {
        return find("state = ?1 order by target", State.STOPPING).page(0, limit).list();
    }

    public Duration ttl() {
        return Duration.ofSeconds(ttlSeconds);
    }

    /** The idempotency key of the deployment that ends this environment in the current attempt. */
    public String stopKey() {
        return "keelson-environment-end-" + createdAt.toEpochMilli() + "-" + stopAttempt;
    }
}
