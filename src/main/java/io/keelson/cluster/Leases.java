package io.keelson.cluster;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Leases on target lanes: a replica works a target only while it holds the lane's lease, so a
 * target's work runs on one replica, one item at a time. A lease is taken and renewed by a
 * conditional UPDATE, which every database does atomically; no lock is held while work runs. Lease
 * times are this replica's clock: replicas need clocks that agree within a few seconds (NTP).
 */
@ApplicationScoped
public class Leases {

    private static final Logger LOG = Logger.getLogger(Leases.class);

    private final Replica replica;
    private final ClusterConfig config;
    private final Clock clock;
    private final Set<String> existing = ConcurrentHashMap.newKeySet();

    public Leases(Replica replica, ClusterConfig config, Clock clock) {
        this.replica = replica;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The target's lane row, locked until the caller's transaction ends: submissions to one target
     * on any replica go one at a time through here, so the queue order is the order they committed.
     */
    public Lane lock(String target) {
        ensure(target);
        return Lane.getEntityManager().find(Lane.class, target, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Takes the lane when it is free, its holder's lease ran out, or it is this replica's already. */
    public boolean acquire(String target) {
        ensure(target);
        Instant now = clock.instant();
        try {
            return QuarkusTransaction.requiringNew()
                            .call(() -> Lane.update(
                                    "holder = ?1, leaseUntil = ?2 where target = ?3"
                                            + " and (holder is null or holder = ?1 or leaseUntil < ?4)",
                                    replica.id(),
                                    now.plus(config.leaseTtl()),
                                    target,
                                    now))
                    == 1;
        } catch (RuntimeException e) {
            LOG.debugf("lane %s: not taken this time (%s)", target, e.getMessage());
            return false;
        }
    }

    /** Gives the lane up, if this replica still holds it. */
    public void release(String target) {
        QuarkusTransaction.requiringNew()
                .run(() -> Lane.update(
                        "holder = null, leaseUntil = null where target = ?1 and holder = ?2", target, replica.id()));
    }

    /** Extends every lease this replica holds, in one statement; returns how many it holds. */
    public int renewAll() {
        Instant until = clock.instant().plus(config.leaseTtl());
        return QuarkusTransaction.requiringNew()
                .call(() -> Lane.update("leaseUntil = ?1 where holder = ?2", until, replica.id()));
    }

    /** Whether this replica holds the target's lane, by the database. */
    public boolean holds(String target) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Lane.count("target = ?1 and holder = ?2", target, replica.id()) == 1);
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

    /** Targets whose lane some replica holds on an expired lease: their holder stopped renewing. */
    public Set<String> expired() {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew()
                .call(() -> Set.copyOf(Lane.<Lane>list("holder is not null and leaseUntil < ?1", now).stream()
                        .map(l -> l.target)
                        .toList()));
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
