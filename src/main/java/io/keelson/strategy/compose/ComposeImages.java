package io.keelson.strategy.compose;

import io.keelson.catalog.ComposeSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.UnitImages;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The image each service of an ssh-compose deployment moves to: a rollback's recorded pins, or the
 * images the project's compose files name, checked against the request and the target's rules.
 */
final class ComposeImages {

    private ComposeImages() {}

    /**
     * The images a deployment (not a rollback) would run, read before it runs: a release names
     * them; otherwise the compose files on the first host do (a review environment not made yet:
     * its template's folder). Nothing is pulled or changed.
     */
    static Map<String, ImageRef> planned(TargetSpec target, DeployOrder order) {
        DeployOrder unpinned = order.withDigests(Map.of());
        if (order.isRelease()) {
            return new LinkedHashMap<>(order.release());
        }
        String host = target.ssh().hosts().get(0);
        try (SshHost ssh = SshHost.connect(host, target.ssh(), Duration.ofSeconds(15))) {
            SshHost.Result config = ssh.run(configIn(target, target.compose().projectDir()), line -> {});
            if (!config.ok() && order.folder() != null) {
                config = ssh.run(configIn(target, order.folder().copyOf()), line -> {});
            }
            if (!config.ok()) {
                throw new IllegalStateException("[" + host + "] docker-compose config failed: " + config.lastError());
            }
            return resolve(unpinned, host, target, new OverridePins(), config.stdout());
        }
    }

    private static RemoteCommand configIn(TargetSpec target, String folder) {
        ComposeSpec c = target.compose();
        return new ComposeCommands(
                        new ComposeSpec(folder, c.projectName(), c.files(), c.services(), c.command()),
                        target.ssh().usesSudo())
                .config()
                .withTimeout(Duration.ofSeconds(30));
    }

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
