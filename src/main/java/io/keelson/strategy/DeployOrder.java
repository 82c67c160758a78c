package io.keelson.strategy;

import io.keelson.registry.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one deployment asks of a strategy: the units to roll, whether to recreate unchanged ones,
 * an image to deploy instead of the configured one, or (for a rollback) the exact digest per host
 * and unit to restore; or a release, one image per unit, deployed and rolled back as one. For a watch target, {@code images} limits the check to those references and
 * {@code refused} names the {@code unit@digest} pairs that failed before and must not be tried again.
 */
public record DeployOrder(List<String> units, boolean force, ImageRef image, Map<String, Map<String, Pin>> pins,
                          List<ImageRef> images, Set<String> refused, Map<String, ImageRef> release) {

    /** An order without a release. */
    public DeployOrder(List<String> units, boolean force, ImageRef image, Map<String, Map<String, Pin>> pins, List<ImageRef> images,
                       Set<String> refused) {
        this(units, force, image, pins, images, refused, Map.of());
    }

    /** Whether the order deploys several images at once, each to its own unit ({@code release}). */
    public boolean isRelease() {
        return release != null && !release.isEmpty();
    }

    /** A unit restored to one digest, with the image reference it was deployed from. */
    public record Pin(String image, String digest) {
    }

    public boolean isRollback() {
        return pins != null && !pins.isEmpty();
    }
}
