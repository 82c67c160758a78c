package io.keelson.strategy.compose;

import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.UnitChange;

/** A service one host deployment recreated: what ran before (null if nothing did) and the digest deployed. */
record AppliedService(String service, ImageRef image, ServiceContainers.Running before, String toDigest) {
    String fromDigest() {
        return before == null ? null : before.digest();
    }

    /** The change record of this service on {@code host}, now running {@code toDigest}. */
    UnitChange as(String host, String nowDigest, ChangeStatus status) {
        return new UnitChange(host, service, image.toString(), fromImage(), fromDigest(), nowDigest, status);
    }

    String fromImage() {
        return before == null ? null : before.image().toString();
    }
}
