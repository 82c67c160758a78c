package io.keelson.policy;

import io.keelson.catalog.PolicySpec;
import io.keelson.catalog.PublicKeyFiles;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryClient;
import io.keelson.strategy.ImageGate;
import io.keelson.strategy.RegistryCredentials;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A target's policy on single digests: how old it is (from Keelson's first sight, never from the
 * image's {@code created} field, which reproducible builds set to 1970) and whether it carries a
 * valid signature. The watcher asks through {@link ImageGate}; API deployments through
 * {@link OrderPolicy}, with the same answers.
 */
@ApplicationScoped
public class ImagePolicy implements ImageGate {

    private final Sightings sightings;
    private final CosignSignatures signatures;
    private final Redactor redactor;
    private final Clock clock;
    private final PolicyHolds holds;

    public ImagePolicy(
            Sightings sightings, RegistryClient registry, Redactor redactor, Clock clock, PolicyHolds holds) {
        this.holds = holds;
        this.sightings = sightings;
        this.signatures = new CosignSignatures(registry);
        this.redactor = redactor;
        this.clock = clock;
    }

    @Override
    public Optional<Refusal> refusal(TargetSpec target, ImageRef image, String digest) {
        Optional<PolicyHold> young = tooYoung(target.policy(), image, digest);
        if (young.isPresent()) {
            holds.note(target.name(), "a check deferred " + young.get().message());
            return Optional.of(new TooYoung(young.get().message(), young.get().until()));
        }
        Optional<String> problem = signatureProblem(target, image, digest);
        problem.ifPresent(p -> holds.note(target.name(), "a check refused " + p));
        return problem.map(BadSignature::new);
    }

    /** Notes the sight of {@code digest}; a hold until it is old enough when the policy's minAge says so. */
    public Optional<PolicyHold> tooYoung(PolicySpec policy, ImageRef image, String digest) {
        Instant first = sightings.firstSeen(digest);
        if (policy == null || policy.minAge() == null) {
            return Optional.empty();
        }
        Instant oldEnough = first.plus(policy.minAge());
        if (!clock.instant().isBefore(oldEnough)) {
            return Optional.empty();
        }
        return Optional.of(new PolicyHold(
                image.repository() + "@" + digest + " was first seen at " + first + "; the policy's minAge ("
                        + policy.minAge().toString().substring(2).toLowerCase() + ") lets it deploy from " + oldEnough,
                oldEnough));
    }

    /** Why {@code digest} fails the target's signature policy; empty when it passes (or there is none). */
    public Optional<String> signatureProblem(TargetSpec target, ImageRef image, String digest) {
        PolicySpec policy = target.policy();
        if (policy == null || !policy.checksSignatures()) {
            return Optional.empty();
        }
        List<PublicKey> keys;
        try {
            keys = policy.signatures().publicKeyFiles().stream()
                    .map(PublicKeyFiles::read)
                    .toList();
        } catch (IllegalArgumentException e) {
            return Optional.of(image.repository() + "@" + digest + ": the policy's public key " + e.getMessage()
                    + "; nothing runs unchecked");
        }
        CosignSignatures.Verdict verdict =
                signatures.verify(image, digest, keys, RegistryCredentials.of(target, redactor));
        String which = image.repository() + "@" + digest;
        if (verdict instanceof CosignSignatures.Bad bad) {
            return Optional.of(which + ": " + bad.reason());
        }
        if (verdict instanceof CosignSignatures.Unsigned && !policy.signatures().allowsUnsigned()) {
            return Optional.of(which + " is not signed, and the policy requires a signature");
        }
        return Optional.empty();
    }
}
