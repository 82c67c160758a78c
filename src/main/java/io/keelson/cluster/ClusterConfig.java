package io.keelson.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How replicas on one database share the work. The renewal and sweep periods are read by the
 * schedulers as {@code keelson.cluster.renew-every} and {@code keelson.cluster.sweep-every}.
 */
@ConfigMapping(prefix = "keelson.cluster")
public interface ClusterConfig {

    /**
     * How long a replica holds a target's lane without renewing it. A replica that dies loses its
     * lanes this long after its last renewal; then another one interrupts what it ran and goes on.
     */
    @WithDefault("15s")
    Duration leaseTtl();

    /** How often a replica renews the leases of the lanes it works (well inside {@link #leaseTtl()}). */
    @WithDefault("5s")
    Duration renewEvery();

    /**
     * How long before its lease runs out (by the last renewal the database confirmed) a replica
     * stops changing hosts for a lane: more than the longest single host step (a container's stop
     * timeout), so no step it began lands after another replica may have taken the lane.
     */
    @WithDefault("5s")
    Duration leaseMargin();

    /**
     * How often a replica looks for work it was not told about: a lost notification, a lane whose
     * holder died. Notifications make this a safety net, not the way work is normally found.
     */
    @WithDefault("3s")
    Duration sweepEvery();
}
