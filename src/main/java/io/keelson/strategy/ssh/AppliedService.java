package io.keelson.strategy.ssh;

import io.keelson.registry.ImageRef;

/** A service one host deployment recreated: what ran before (null if nothing did) and the digest deployed. */
record AppliedService(String service, ImageRef image, ServiceContainers.Running before, String toDigest) {
    String fromDigest() {
        return before == null ? null : before.digest();
    }

    String fromImage() {
        return before == null ? null : before.image().toString();
    }
}
