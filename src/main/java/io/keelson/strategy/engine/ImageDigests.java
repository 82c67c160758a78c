package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RepoDigests;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The registry digest of a local image, read from the engine's description of it. */
public final class ImageDigests {

    private ImageDigests() {}

    /** The digest under which {@code ref}'s repository knows the image (its inspect JSON); empty when it was never pulled from there. */
    public static Optional<String> in(JsonNode image, ImageRef ref) {
        List<String> entries = new ArrayList<>();
        image.path("RepoDigests").forEach(e -> entries.add(e.asText()));
        return RepoDigests.digestFor(entries, ref);
    }

    /** The digest a container runs: in its reference when Keelson pinned it, else the registry digest of its image. */
    public static String running(ObjectNode inspect, ObjectNode image, ImageRef wanted) {
        Optional<ImageRef> configured =
                ImageRef.tryParse(inspect.path("Config").path("Image").asText(""));
        if (configured.isPresent() && configured.get().digest() != null) {
            return configured.get().digest();
        }
        return image == null
                ? null
                : ImageDigests.in(image, configured.orElse(wanted)).orElse(null);
    }
}
