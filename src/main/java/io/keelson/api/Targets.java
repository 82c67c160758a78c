package io.keelson.api;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetValidator;

/** Looks up the target a path names, answering 404 the same way everywhere. */
final class Targets {

    private Targets() {}

    static CatalogTarget require(TargetCatalog catalog, String name) {
        if (!TargetValidator.TARGET_NAME.matcher(name).matches()) {
            throw ApiException.notFound("no target named '" + name + "' (names match [a-z0-9][a-z0-9-]{0,62})");
        }
        return catalog.find(name)
                .orElseThrow(
                        () -> ApiException.notFound("no target named '" + name + "'; GET /api/v1/targets lists them"));
    }
}
