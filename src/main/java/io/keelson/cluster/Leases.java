package io.keelson.cluster;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Leases on target lanes: a replica works a target only while it holds the lane's lease, so a
 * target's work runs on one replica, one item at a time. A lease is taken and renewed by a
 * conditional UPDATE, which every database does atomically; no lock is held while work runs. Lease
 * times are the database's clock, so replicas' clocks need not agree.
 *
 * <p>A lease alone does not stop a replica that was cut off or paused from acting after it ran out,
 * so each take-over bumps the lane's fence, and a holder proves itself twice: before each host step
 * it checks {@link #proven} (its last confirmed renewal is still good, by its own monotonic clock,
 * less a margin), and every status write it makes names the fence it holds, which the database
 * refuses once another replica took the lane.
 */
@ApplicationScoped
public class Leases {

    private static final Logger LOG = Logger.getLogger(Leases.class);

    private final Replica replica;
    private final ClusterConfig config;
    private final Set<String> existing = ConcurrentHashMap.newKeySet();
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** A lane this replica holds: the fence it took it with, and until when (monotonic) it may act. */
    record Held(long fence, long validUntilNanos) {}

    public Leases(Replica replica, ClusterConfig config) {
        this.replica = replica;
        this.config = config;
    }

    /**
     * The target's lane row, locked until the caller's transaction ends: submissions to one target
     * on any replica go one at a time through here, so the queue order is the order they committed.
     */
    public Lane lock(String target) {
        ensure(target);
        return Lane.getEntityManager().find(Lane.class, target, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Takes the lane when it is free, its holder's lease ran out, or it is this replica's already;
     * taking it from anyone (or after a release) bumps its fence.
     */
    public boolean acquire(String target) {
        ensure(target);
        long sentAt = System.nanoTime();
        try {
            Long fence = QuarkusTransaction.requiringNew().call(() -> {
                Instant now = DatabaseClock.now(Lane.getEntityManager());
                int taken = Lane.update(
                        "fence = case when holder = ?1 then fence else fence + 1 end, holder = ?1, leaseUntil = ?2"
                                + " where target = ?3 and (holder is null or holder = ?1 or leaseUntil < ?4)",
                        replica.id(),
                        now.plus(config.leaseTtl()),
                        target,
                        now);
                if (taken != 1) {
                    return null;
                }
                return Lane.getEntityManager()
                        .createQuery("select l.fence from Lane l where l.target = ?1", Long.class)
                        .setParameter(1, target)
                        .getSingleResult();
            });
            if (fence == null) {
                held.remove(target);
                return false;
            }
            confirmed(target, fence, sentAt);
            return true;
        } catch (RuntimeException e) {
            LOG.debugf("lane %s: not taken this time (%s)", target, e.getMessage());
            return false;
        }
    }

    /** Gives the lane up, if this replica still holds it. */
    public void release(String target) {
        held.remove(target);
        QuarkusTransaction.requiringNew()
                .run(() -> Lane.update(
                        "holder = null, leaseUntil = null where target = ?1 and holder = ?2", target, replica.id()));
    }

    /**
     * Whether this replica may still act for the target: it holds the lane, and the database
     * confirmed that lease recently enough that no other replica can have taken it, margin kept.
     */
    public boolean proven(String target) {
        Held h = held.get(target);
        return h != null && System.nanoTime() - h.validUntilNanos() < 0;
    }

    /** The fence this replica holds the target's lane with, or -1 when it holds none. */
    public long fence(String target) {
        Held h = held.get(target);
        return h == null ? -1 : h.fence();
    }

    /** The lanes this replica holds now, with their fences: what {@link LeaseRenewal} renews. */
    Map<String, Long> heldFences() {
        Map<String, Long> fences = new HashMap<>();
        held.forEach((target, h) -> fences.put(target, h.fence()));
        return fences;
    }

    /** The database confirmed the lease as of {@code sentAtNanos} (taken before the statement was sent). */
    void confirmed(String target, long fence, long sentAtNanos) {
        long valid = sentAtNanos + config.leaseTtl().minus(config.leaseMargin()).toNanos();
        held.compute(target, (t, h) -> h != null && h.fence() != fence ? h : new Held(fence, valid));
    }

    /** The database no longer has this replica with this fence on the lane: another one took it. */
    void lost(String target, long fence) {
        Held h = held.get(target);
        if (h != null && h.fence() == fence && held.remove(target, h)) {
            LOG.errorf("lane %s: this replica lost its lease (fence %d); it changes nothing more there", target, fence);
        }
    }

    String replicaId() {
        return replica.id();
    }

    ClusterConfig config() {
        return config;
    }

    /**
     * Voids every other holder's lease. Only for a database no other process can open at the same
     * time (an H2 file): there, any other holder is an earlier run of this one, and is gone.
     */
    public int voidOthers() {
        return QuarkusTransaction.requiringNew()
                .call(() -> Lane.update(
                        "holder = null, leaseUntil = null where holder is not null and holder <> ?1", replica.id()));
    }

    /** Targets whose lane some replica holds on an expired lease (by the database's clock): their holder stopped renewing. */
    public Set<String> expired() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = DatabaseClock.now(Lane.getEntityManager());
            return Set.copyOf(Lane.<Lane>list("holder is not null and leaseUntil < ?1", now).stream()
                    .map(l -> l.target)
                    .toList());
        });
    }

    private void ensure(String target) {
        if (existing.contains(target)) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (Lane.findById(target) == null) {
                    Lane lane = new Lane();
                    lane.target = target;
                    lane.persist();
                }
            });
        } catch (RuntimeException e) {
            // Another replica inserted it at the same moment; it exists either way.
            boolean there = QuarkusTransaction.requiringNew().call(() -> Lane.findById(target) != null);
            if (!there) {
                throw e;
            }
        }
        existing.add(target);
    }
}
