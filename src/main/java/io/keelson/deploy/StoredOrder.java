package io.keelson.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link DeployOrder} as the deployment row keeps it, so a queued request survives as asked. A
 * rollback keeps what it was asked ({@code toDeployment}, or undo the newest) and is planned only
 * when it runs, against the history as it is then.
 */
record StoredOrder(List<String> units, boolean force, String image, Map<String, Map<String, DeployOrder.Pin>> pins, List<String> images,
                   boolean rollback, String toDeployment, Map<String, String> release) {

    StoredOrder(List<String> units, boolean force, String image, Map<String, Map<String, DeployOrder.Pin>> pins, List<String> images,
                boolean rollback, String toDeployment) {
        this(units, force, image, pins, images, rollback, toDeployment, Map.of());
    }

    StoredOrder(List<String> units, boolean force, String image, Map<String, Map<String, DeployOrder.Pin>> pins) {
        this(units, force, image, pins, List.of(), false, null);
    }

    StoredOrder(List<String> units, boolean force, String image, Map<String, Map<String, DeployOrder.Pin>> pins, List<String> images) {
        this(units, force, image, pins, images, false, null);
    }

    static StoredOrder rollbackTo(String toDeployment) {
        return new StoredOrder(List.of(), false, null, Map.of(), List.of(), true, toDeployment);
    }

    /** The same order with the pins a rollback planned when it ran. */
    StoredOrder planned(Map<String, Map<String, DeployOrder.Pin>> planned) {
        List<String> planUnits = planned.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
        return new StoredOrder(planUnits, false, null, planned, List.of(), true, toDeployment);
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
        Map<String, ImageRef> released = new java.util.LinkedHashMap<>();
        if (release != null) {
            release.forEach((unit, ref) -> released.put(unit, ImageRef.parse(ref)));
        }
        return new DeployOrder(units == null ? List.of() : units, force, image == null ? null : ImageRef.parse(image),
                pins == null ? Map.of() : pins, images == null ? List.of() : images.stream().map(ImageRef::parse).toList(), refused, released);
    }
}
