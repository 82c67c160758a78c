package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.registry.ImageRef;
import java.util.List;

/**
 * What one check of a watch target found: the containers whose image moved in the registry, and
 * notes on what was skipped and why (a registry that failed, a digest that failed before).
 */
public record WatchPlan(List<Update> updates, List<String> notes) {

    /** One container to move from the digest it runs to the one the registry now names. */
    public record Update(
            String name, ObjectNode inspect, ObjectNode oldImage, ImageRef image, String fromDigest, String toDigest) {}

    public boolean isEmpty() {
        return updates.isEmpty();
    }
}
