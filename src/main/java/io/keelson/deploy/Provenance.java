package io.keelson.deploy;

/**
 * Who asked for a deployment, how and why: what the history shows next to what it did.
 *
 * @param idempotencyKey a retried request with the same key answers the first one's deployment; null for none
 * @param allowOutdated whether an operator lets this pipeline deploy although a newer one of its
 *     project already succeeded on the target ({@link OutdatedPipelines})
 * @param override an operator's pass through the target's windows and freezes; null for none
 */
public record Provenance(
        Trigger trigger,
        String requestedBy,
        String reason,
        Pipeline pipeline,
        String idempotencyKey,
        boolean allowOutdated,
        PolicyOverride override) {

    public Provenance(Trigger trigger, String requestedBy, String reason, Pipeline pipeline, String idempotencyKey) {
        this(trigger, requestedBy, reason, pipeline, idempotencyKey, false, null);
    }

    /** A deployment Keelson starts itself (a scheduled or notified check). */
    public static Provenance of(Trigger trigger, String requestedBy) {
        return new Provenance(trigger, requestedBy, null, null, null);
    }
}
