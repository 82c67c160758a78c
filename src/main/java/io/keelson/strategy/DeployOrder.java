package io.keelson.strategy;

import io.keelson.registry.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one deployment asks of a strategy: the units to roll, whether to recreate unchanged ones,
 * an image to deploy instead of the configured one, or (for a rollback) the exact digest per host
 * and unit to restore. For a watch target, {@code images} limits the check to those references and
 * {@code refused} names the {@code unit@digest} pairs that failed before and must not be tried again.
 */
public record DeployOrder(List<String> units, boolean force, ImageRef image, Map<String, Map<String, Pin>> pins,
                          List<ImageRef> images, Set<String> refused) {

    /** A unit restored to one digest, with the image reference it was deployed from. */
    public record Pin(String image, String digest) {
    }

    public boolean isRollback() {
        return pins != null && !pins.isEmpty();
    }
}
