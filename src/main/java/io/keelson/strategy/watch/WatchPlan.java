package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import java.util.List;
import java.util.Optional;

/**
 * What one check of a watch target found: the containers whose image moved in the registry, those
 * whose new digest the deploy policy refuses, and notes on what was skipped and why (a registry
 * that failed, a digest that failed before, a digest too young).
 */
public record WatchPlan(List<Update> updates, List<Refused> refused, List<String> notes) {

    /** One container to move from the digest it runs to the one the registry now names. */
    public record Update(
            String name, ObjectNode inspect, ObjectNode oldImage, ImageRef image, String fromDigest, String toDigest) {}

    /**
     * A container whose new digest the deploy policy refuses (its signatures): it stays as it is,
     * and the digest is recorded as failed once, so later checks skip it quietly.
     */
    public record Refused(String name, ImageRef image, String fromDigest, String toDigest, String reason) {}

    /**
     * Records each container left alone because the policy refuses its new digest as a failed
     * change; answers why, for the outcome, when there are any.
     */
    Optional<String> recordRefused(String host, Progress progress) {
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        for (Refused r : refused) {
            progress.log(r.name() + ": left as it is: " + r.reason());
            progress.record(new UnitChange(
                    host,
                    r.name(),
                    r.image().toString(),
                    r.image().toString(),
                    r.fromDigest(),
                    r.toDigest(),
                    ChangeStatus.FAILED));
        }
        return Optional.of(String.join(
                "; ", refused.stream().map(Refused::reason).distinct().toList()));
    }

    public boolean isEmpty() {
        return updates.isEmpty() && refused.isEmpty();
    }
}
