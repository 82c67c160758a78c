package io.keelson.strategy;

import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which image each unit of a deployment gets, by the same rules for every strategy that deploys
 * named units: a release names one image per unit; an {@code image} goes to the units whose
 * repository it names, or to the one unit named when the target's {@code allowedImages} let it run
 * that repository; otherwise each unit gets its configured reference again. A unit never gets an
 * image from a repository neither its own nor allowed, so a deploy token cannot swap one in. When a
 * deploy policy checked the order, each image comes pinned to the digest that passed.
 */
public final class UnitImages {

    private UnitImages() {}

    /**
     * @param configured the units to deploy, in order, each with its configured image reference
     * @param kind what a unit is called in messages ("service", "container")
     * @throws IllegalArgumentException when the order names an image a unit may not run
     */
    public static Map<String, ImageRef> choose(
            Map<String, ImageRef> configured, DeployOrder order, TargetSpec target, String kind) {
        Map<String, ImageRef> images = new LinkedHashMap<>();
        List<String> matching = new ArrayList<>();
        configured.forEach((unit, own) -> {
            if (order.isRelease()) {
                images.put(unit, allowed(target, unit, order.release().get(unit), own, "release: image "));
            } else if (order.image() != null
                    && own.repository().equals(order.image().repository())) {
                images.put(unit, order.image());
                matching.add(unit);
            } else {
                images.put(unit, own);
            }
        });
        if (order.image() != null && !order.isRelease() && matching.isEmpty()) {
            List<String> units = List.copyOf(configured.keySet());
            if (units.size() != 1) {
                throw new IllegalArgumentException("image " + order.image() + " is not the repository of any of "
                        + units + "; name the one " + kind + " it is for in \"services\"");
            }
            images.put(
                    units.get(0), allowed(target, units.get(0), order.image(), configured.get(units.get(0)), "image "));
        }
        return checked(images, order);
    }

    /**
     * Each image with the digest the deploy policy checked for it. When a policy checked the order,
     * an image it did not check is refused rather than pulled by its tag, one that names a digest
     * too: the policy checks the pins, not a plan read again.
     */
    private static Map<String, ImageRef> checked(Map<String, ImageRef> images, DeployOrder order) {
        if (order.digests().isEmpty()) {
            return images;
        }
        Map<String, ImageRef> pinned = new LinkedHashMap<>();
        images.forEach((unit, image) -> {
            if (!order.digests().containsKey(image.toString())) {
                throw new IllegalArgumentException(unit + ": image " + image
                        + " was not checked against the target's deploy policy; nothing was changed");
            }
            pinned.put(unit, order.checked(image));
        });
        return pinned;
    }

    private static ImageRef allowed(TargetSpec target, String unit, ImageRef image, ImageRef own, String what) {
        if (!target.allowsImage(image.repository(), own.repository())) {
            throw new IllegalArgumentException(what + image + " is not allowed for " + unit + ": its image comes from "
                    + own.repository() + ", and the target's allowedImages do not name " + image.repository()
                    + "; nothing was changed");
        }
        return image;
    }
}
