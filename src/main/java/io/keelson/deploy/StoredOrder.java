package io.keelson.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link DeployOrder} as the deployment row keeps it, so a queued request survives as asked. */
record StoredOrder(List<String> units, boolean force, String image, Map<String, Map<String, DeployOrder.Pin>> pins, List<String> images) {

    StoredOrder(List<String> units, boolean force, String image, Map<String, Map<String, DeployOrder.Pin>> pins) {
        this(units, force, image, pins, List.of());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static StoredOrder fromJson(String json) {
        try {
            return JSON.readValue(json, StoredOrder.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored request does not parse", e);
        }
    }

    DeployOrder toOrder(Set<String> refused) {
        return new DeployOrder(units == null ? List.of() : units, force, image == null ? null : ImageRef.parse(image),
                pins == null ? Map.of() : pins, images == null ? List.of() : images.stream().map(ImageRef::parse).toList(), refused);
    }
}
