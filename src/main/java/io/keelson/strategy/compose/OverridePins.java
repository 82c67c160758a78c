package io.keelson.strategy.compose;

import io.keelson.strategy.ssh.SshHost;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code keelson.override.yml} holds on one host: each service Keelson deployed, pinned by
 * digest, written in the compose file version of the project it overrides.
 */
final class OverridePins {

    private String version;
    private Map<String, String> pins = new LinkedHashMap<>();

    /** Takes the project's compose file version (the first one seen wins). */
    void useVersionOf(ComposeFiles.Model model) {
        if (version == null) {
            version = model.version();
        }
    }

    boolean knowsVersion() {
        return version != null;
    }

    /** Starts from the pins the host's override file holds now. */
    void readFrom(String currentOverride) {
        ComposeFiles.Model model = ComposeFiles.parse(currentOverride);
        pins = new LinkedHashMap<>(model.images());
        useVersionOf(model);
    }

    /** Starts from the host's override file, or, when it has none yet, from the version of the project's own files. */
    void readFrom(SshHost.Result current, java.util.function.Supplier<String> config) {
        if (current.ok()) {
            readFrom(current.stdout());
        } else if (!knowsVersion()) {
            useVersionOf(ComposeFiles.parse(config.get()));
        }
    }

    void pin(String service, String pinnedImage) {
        pins.put(service, pinnedImage);
    }

    /** The service's pin now; null when it has none. */
    String pinOf(String service) {
        return pins.get(service);
    }

    void unpin(String service) {
        pins.remove(service);
    }

    String render() {
        return ComposeFiles.renderOverride(version, pins);
    }
}
