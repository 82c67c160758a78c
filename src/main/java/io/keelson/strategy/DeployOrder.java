package io.keelson.strategy;

import io.keelson.registry.ImageRef;
import java.util.List;
import java.util.Map;

/**
 * What one deployment asks of a strategy: the units to roll, whether to recreate unchanged ones,
 * an image to deploy instead of the configured one, or (for a rollback) the exact digest per host
 * and unit to restore.
 */
public record DeployOrder(List<String> units, boolean force, ImageRef image, Map<String, Map<String, Pin>> pins) {

    /** A unit restored to one digest, with the image reference it was deployed from. */
    public record Pin(String image, String digest) {
    }

    public boolean isRollback() {
        return pins != null && !pins.isEmpty();
    }
}
