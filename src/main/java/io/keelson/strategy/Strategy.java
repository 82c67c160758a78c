package io.keelson.strategy;

import io.keelson.catalog.TargetSpec;

/** A way of deploying a target: over SSH with docker-compose, or by watching a Docker engine. */
public interface Strategy {

    /** Carries out one deployment (or rollback) of {@code target}, reporting as it goes. */
    Outcome deploy(TargetSpec target, DeployOrder order, Progress progress);
}
