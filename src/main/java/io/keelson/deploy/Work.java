package io.keelson.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.ImageRef;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The next item on a target's lane: a queued deployment, or the waiting check, whichever was queued first. */
record Work(String deploymentId, Check check) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A watch check: the images to look at (empty: every watched image), and who asked. */
    record Check(Trigger trigger, List<ImageRef> images, String requestedBy) {}

    /** Must run inside a transaction; a check is taken off the lane as it is handed out. */
    static Work next(String target) {
        Optional<Deployment> queued = Deployment.nextQueued(target);
        CheckRequest waiting = CheckRequest.findById(target);
        if (waiting != null && (queued.isEmpty() || waiting.id.compareTo(queued.get().id) < 0)) {
            waiting.delete();
            return new Work(
                    null,
                    new Check(
                            waiting.trigger,
                            imagesFrom(waiting.images).stream()
                                    .map(ImageRef::parse)
                                    .toList(),
                            waiting.requestedBy));
        }
        return queued.map(d -> new Work(d.id, null)).orElse(null);
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
