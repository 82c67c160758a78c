package io.keelson.strategy.sshdocker;

import io.keelson.registry.ImageRef;

/**
 * What a unit should run: the reference recorded for it (normally a tag) and, for a rollback,
 * the exact digest to restore (null: whatever the reference names when pulled).
 */
record Wanted(ImageRef image, String digest) {
    ImageRef pullRef() {
        return digest == null ? image : image.pinned(digest);
    }
}
