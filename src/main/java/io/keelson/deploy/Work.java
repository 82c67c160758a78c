package io.keelson.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The next item on a target's lane, whichever was queued first: a queued deployment (its order is
 * in its row), or the waiting check, an order like any other whose deployment row is written only
 * when it changes something.
 */
sealed interface Work {

    ObjectMapper JSON = new ObjectMapper();

    record Queued(String deploymentId) implements Work {}

    /** A watch check: {@link DeployOrder#check} of the images to look at (none: every watched image). */
    record Check(DeployOrder order, Provenance provenance) implements Work {}

    /** Must run inside a transaction; a check is taken off the lane as it is handed out. */
    static Work next(String target) {
        Optional<Deployment> queued = Deployment.nextQueued(target);
        CheckRequest waiting = CheckRequest.findById(target);
        if (waiting != null && (queued.isEmpty() || waiting.id.compareTo(queued.get().id) < 0)) {
            waiting.delete();
            return new Check(
                    DeployOrder.check(imagesFrom(waiting.images).stream()
                            .map(ImageRef::parse)
                            .toList()),
                    Provenance.of(waiting.trigger, waiting.requestedBy));
        }
        return queued.<Work>map(d -> new Queued(d.id)).orElse(null);
    }

    static List<String> imagesFrom(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored check request cannot be read: " + e.getMessage(), e);
        }
    }

    static String imagesToJson(Collection<String> images) {
        try {
            return JSON.writeValueAsString(images);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
