package io.keelson.strategy;

/**
 * What the deployment records say of one unit's health gate. A repair after a crash trusts this
 * and nothing else: a new container stays only when the change that created it (which names it by
 * id, see {@link Progress#created}) recorded it, on that host, as having passed.
 */
@FunctionalInterface
public interface RecordedGates {

    /** Whether the change that created container {@code containerId} for {@code unit} on {@code host} recorded it as SUCCEEDED. */
    boolean passed(String containerId, String host, String unit);
}
