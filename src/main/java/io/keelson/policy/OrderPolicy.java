package io.keelson.policy;

import io.keelson.catalog.PolicySpec;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.CredentialSource;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryClient;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.RegistryCredentials;
import io.keelson.strategy.Strategy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A target's image policy applied to a whole order: its age when it is asked for, its signatures
 * when it runs, each time on every digest it would run and before any host is changed. An order
 * that passes comes back pinned to the digests that passed ({@link DeployOrder#digests}), so a
 * tag moved afterwards changes nothing.
 */
@ApplicationScoped
public class OrderPolicy {

    private final ImagePolicy images;
    private final RegistryClient registry;
    private final Redactor redactor;

    public OrderPolicy(ImagePolicy images, RegistryClient registry, Redactor redactor) {
        this.images = images;
        this.registry = registry;
        this.redactor = redactor;
    }

    /**
     * At the request: refuses a digest first seen less than {@code minAge} ago (its sight noted).
     * A rollback runs what ran before and is not held by age.
     *
     * @throws ImageRefused with the hold of the youngest digest
     */
    public DeployOrder admit(TargetSpec target, Strategy strategy, DeployOrder order) {
        PolicySpec policy = target.policy();
        if (policy == null || policy.minAge() == null || order.rollback() || order.stop()) {
            return order;
        }
        Optional<Map<String, ImageRef>> planned = strategy.plannedImages(target, order);
        if (planned.isEmpty()) {
            return order;
        }
        Map<String, String> digests = digests(target, planned.get().values(), order.digests());
        Optional<PolicyHold> youngest = planned.get().values().stream()
                .distinct()
                .map(ref -> images.tooYoung(policy, ref, digests.get(ref.toString())))
                .flatMap(Optional::stream)
                .max(Comparator.comparing(PolicyHold::until));
        if (youngest.isPresent()) {
            throw new ImageRefused(youngest.get().message() + "; nothing was queued", youngest.get());
        }
        return order.withDigests(digests);
    }

    /**
     * When the order runs, before its strategy touches a host: every digest it would run must carry
     * the signatures the policy asks for, a rollback's too.
     *
     * @throws ImageRefused naming the digest and what is wrong with its signatures
     */
    public DeployOrder verified(TargetSpec target, Strategy strategy, DeployOrder order) {
        PolicySpec policy = target.policy();
        if (policy == null || !policy.checksSignatures() || order.stop()) {
            return order;
        }
        if (order.isRollback()) {
            order.pins().values().stream()
                    .flatMap(pins -> pins.values().stream())
                    .distinct()
                    .forEach(pin -> requireSigned(target, ImageRef.parse(pin.image()), pin.digest()));
            return order;
        }
        if (!order.digests().isEmpty()) {
            // Admitted under a minimum age: pinned to every image it planned then, and the strategy runs
            // nothing else (an image outside the pins is refused), so the plan is not read again.
            order.digests().forEach((ref, digest) -> requireSigned(target, ImageRef.parse(ref), digest));
            return order;
        }
        Optional<Map<String, ImageRef>> planned = strategy.plannedImages(target, order);
        if (planned.isEmpty()) {
            return order;
        }
        Map<String, String> digests = digests(target, planned.get().values(), order.digests());
        planned.get().values().stream()
                .distinct()
                .forEach(ref -> requireSigned(target, ref, digests.get(ref.toString())));
        return order.withDigests(digests);
    }

    private void requireSigned(TargetSpec target, ImageRef image, String digest) {
        images.signatureProblem(target, image, digest).ifPresent(problem -> {
            throw new ImageRefused(problem, null);
        });
    }

    /** Reference → digest: the one the reference names, the one the order was pinned to, else the registry's. */
    private Map<String, String> digests(TargetSpec target, Collection<ImageRef> refs, Map<String, String> known) {
        CredentialSource credentials = RegistryCredentials.of(target, redactor);
        Map<String, String> digests = new LinkedHashMap<>();
        for (ImageRef ref : refs) {
            String key = ref.toString();
            if (digests.containsKey(key)) {
                continue;
            }
            if (ref.digest() != null) {
                digests.put(key, ref.digest());
            } else if (known.containsKey(key)) {
                digests.put(key, known.get(key));
            } else {
                RegistryClient.Answer answer = registry.digestOf(ref, credentials);
                if (answer instanceof RegistryClient.Failed failed) {
                    throw new ImageRefused(
                            "the deploy policy cannot check " + ref + ": " + failed.reason() + "; nothing was changed",
                            null);
                }
                digests.put(key, ((RegistryClient.Digest) answer).digest());
            }
        }
        return digests;
    }
}
