package io.keelson.strategy.ssh;

import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.UnitImages;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The image each service of an ssh-compose deployment moves to: a rollback's recorded pins, or the
 * images the project's compose files name, checked against the request and the target's rules.
 */
final class ComposeImages {

    private ComposeImages() {}

    static Map<String, ImageRef> resolve(
            DeployOrder order, String host, TargetSpec target, OverridePins pins, String configYaml) {
        Map<String, ImageRef> images = new LinkedHashMap<>();
        if (order.isRollback()) {
            Map<String, DeployOrder.Pin> hostPins = order.pins().getOrDefault(host, Map.of());
            hostPins.forEach((service, pin) ->
                    images.put(service, ImageRef.parse(pin.image()).pinned(pin.digest())));
            return images;
        }
        ComposeFiles.Model model = ComposeFiles.parse(configYaml);
        ComposeFilesCheck.check(target, model);
        pins.useVersionOf(model);
        Map<String, ImageRef> configured = new LinkedHashMap<>();
        for (String service : order.units()) {
            if (!model.images().containsKey(service)) {
                throw new IllegalStateException("service '" + service + "' is not in the compose files "
                        + target.compose().effectiveFiles());
            }
            String image = model.images().get(service);
            if (image == null) {
                throw new IllegalStateException("service '" + service
                        + "' has no image in the compose files; Keelson deploys images, not builds");
            }
            configured.put(service, ImageRef.parse(image));
        }
        try {
            return UnitImages.choose(configured, order, target, "service");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
