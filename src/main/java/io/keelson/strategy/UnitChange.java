package io.keelson.strategy;

/**
 * One unit (a compose service, or a watched container) on one host, with the digest it ran before
 * and the digest it runs now. Recording it again with the same host and unit replaces the earlier
 * record, so a change can move from SUCCEEDED to ROLLED_BACK.
 */
public record UnitChange(String host, String unit, String image, String fromDigest, String toDigest, ChangeStatus status) {

    public UnitChange withStatus(ChangeStatus newStatus) {
        return new UnitChange(host, unit, image, fromDigest, toDigest, newStatus);
    }
}
