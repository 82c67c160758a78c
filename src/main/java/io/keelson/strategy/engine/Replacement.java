package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.UnitChange;

/**
 * One container to move to another image.
 *
 * @param name the container's name, which is also the unit's
 * @param inspect the container as the engine describes it now (its configuration is kept)
 * @param oldImage the image it runs, as the engine describes it (to tell image defaults from user choices)
 * @param image the reference recorded for the unit (the tag it is deployed from)
 * @param createAs the reference the new container is created from: the same tag, or the image pinned by digest
 * @param fromDigest the registry digest it runs now, null if unknown
 * @param toDigest the registry digest it moves to
 * @param stopSeconds how long its graceful stop may take
 */
public record Replacement(
        String name,
        ObjectNode inspect,
        ObjectNode oldImage,
        ImageRef image,
        String createAs,
        String fromDigest,
        String toDigest,
        int stopSeconds) {

    /** What the deployment records of this container on {@code host} at this step. */
    public UnitChange change(String host, ChangeStatus status) {
        String from = fromDigest == null ? null : image.toString();
        return new UnitChange(host, name, image.toString(), from, fromDigest, toDigest, status);
    }
}
