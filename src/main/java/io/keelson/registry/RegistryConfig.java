package io.keelson.registry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long Keelson waits on a registry: a registry that hangs costs one bounded wait per check. */
@ConfigMapping(prefix = "keelson.registry")
public interface RegistryConfig {

    /** The longest wait for one registry answer (a manifest, a token). */
    @WithDefault("15s")
    Duration timeout();
}
