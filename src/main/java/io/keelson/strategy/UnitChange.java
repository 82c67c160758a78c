package io.keelson.strategy;

/**
 * One unit (a compose service, or a watched container) on one host, with the digest it ran before
 * and the digest it runs now. Recording it again with the same host and unit replaces the earlier
 * record, so a change can move from SUCCEEDED to ROLLED_BACK.
 *
 * @param image the reference deployed (the tag, not the digest)
 * @param fromImage the reference the unit ran before, which may name another repository; null when
 *     nothing ran
 */
public record UnitChange(
        String host,
        String unit,
        String image,
        String fromImage,
        String fromDigest,
        String toDigest,
        ChangeStatus status) {

    /** The same change, now at {@code next}. */
    public UnitChange with(ChangeStatus next) {
        return new UnitChange(host, unit, image, fromImage, fromDigest, toDigest, next);
    }
}
