package io.keelson.strategy;

/**
 * What the deployment records say of one unit's health gate. A repair after a crash trusts this
 * and nothing else: a new container stays only when the deployment that made it recorded it, on
 * that host, as having passed.
 */
@FunctionalInterface
public interface RecordedGates {

    /** Whether deployment {@code deploymentId} recorded {@code unit} on {@code host} as SUCCEEDED. */
    boolean passed(String deploymentId, String host, String unit);
}
