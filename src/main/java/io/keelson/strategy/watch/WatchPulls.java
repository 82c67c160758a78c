package io.keelson.strategy.watch;

import io.keelson.registry.CredentialSource;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryHost;
import io.keelson.strategy.Progress;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.ImageDigests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pulls of a watch update or rollback, each image once, before any container is replaced. */
final class WatchPulls {

    private WatchPulls() {}

    /**
     * Pulls each image the updates move to; answers reference → the digest pulled.
     *
     * @param exact pull the digest the check found (and point the tag at it), not whatever the tag
     *     names by now: what the deploy policy checked is what runs
     */
    static Map<String, String> pullAll(
            DockerEngine engine,
            List<WatchPlan.Update> updates,
            CredentialSource credentials,
            boolean exact,
            Progress progress) {
        Map<String, String> pulled = new LinkedHashMap<>();
        for (WatchPlan.Update u : updates) {
            String image = u.image().toString();
            if (pulled.containsKey(image)) {
                continue;
            }
            if (exact) {
                pullExactly(engine, u.image(), u.toDigest(), credentials, progress);
                pulled.put(image, u.toDigest());
                continue;
            }
            progress.log("pulling " + u.image());
            String registryHost = RegistryHost.of(u.image());
            engine.pull(u.image(), credentials.forRegistry(registryHost), registryHost);
            pulled.put(
                    image,
                    engine.inspectImage(image)
                            .flatMap(i -> ImageDigests.in(i, u.image()))
                            .orElse(u.toDigest()));
        }
        return pulled;
    }

    /** Pulls {@code digest} and points {@code tag} at it locally: what runs is that digest, wherever the tag moved. */
    static void pullExactly(
            DockerEngine engine, ImageRef tag, String digest, CredentialSource credentials, Progress progress) {
        ImageRef pinned = tag.pinned(digest);
        progress.log("pulling " + pinned);
        String registryHost = RegistryHost.of(pinned);
        engine.pull(pinned, credentials.forRegistry(registryHost), registryHost);
        String imageId = engine.inspectImage(pinned.toString())
                .map(i -> i.path("Id").asText())
                .orElseThrow(() -> new IllegalStateException("pulled " + pinned + " but the engine does not know it"));
        engine.tag(imageId, tag.repository(), tag.effectiveTag());
    }
}
