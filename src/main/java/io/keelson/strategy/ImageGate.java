package io.keelson.strategy;

import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import java.time.Instant;
import java.util.Optional;

/**
 * The target's deploy policy on one digest a strategy found for itself (a watch check's new
 * digest): the same signatures and minimum age an API deployment meets before it is queued and
 * before it runs. Implemented by the policy package; a strategy only asks.
 */
public interface ImageGate {

    /** Why a digest may not run now. */
    sealed interface Refusal permits TooYoung, BadSignature {
        String reason();
    }

    /** First seen too recently: may run from {@code until}; nothing is recorded, the next check tries again. */
    record TooYoung(String reason, Instant until) implements Refusal {}

    /** Missing or invalid signature: the digest never runs; recorded once as a failed change. */
    record BadSignature(String reason) implements Refusal {}

    /**
     * Whether {@code digest} of {@code image} may run on {@code target}; also notes that Keelson
     * saw it (its age counts from the first time). Reads the registry only when the target checks
     * signatures.
     */
    Optional<Refusal> refusal(TargetSpec target, ImageRef image, String digest);
}
