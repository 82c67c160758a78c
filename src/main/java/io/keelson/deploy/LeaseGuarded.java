package io.keelson.deploy;

import io.keelson.cluster.Leases;
import io.keelson.strategy.LaneLost;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;

/**
 * A deployment's progress whose {@link #guard} asks the lease: every host step of the strategy
 * checks first that this replica still holds the target's lane, by the last renewal the database
 * confirmed, so a replica that was paused or cut off stops before it touches a unit again.
 */
final class LeaseGuarded implements Progress {

    private final Progress inner;
    private final Leases leases;
    private final String target;

    LeaseGuarded(Progress inner, Leases leases, String target) {
        this.inner = inner;
        this.leases = leases;
        this.target = target;
    }

    @Override
    public void guard() {
        if (!leases.proven(target)) {
            throw new LaneLost(target);
        }
        inner.guard();
    }

    @Override
    public void created(String host, String unit, String containerId) {
        inner.created(host, unit, containerId);
    }

    @Override
    public void log(String line) {
        inner.log(line);
    }

    @Override
    public void note(String line) {
        inner.note(line);
    }

    @Override
    public void record(UnitChange change) {
        inner.record(change);
    }

    @Override
    public void redact(String secret) {
        inner.redact(secret);
    }
}
