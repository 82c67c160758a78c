package io.keelson.environment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How often Keelson looks for environments to end, and when it tries again after an end that failed. */
@ConfigMapping(prefix = "keelson.environments")
public interface EnvironmentConfig {

    /** Between two looks for expired environments and ends to finish (also once at start). */
    @WithDefault("10s")
    Duration checkInterval();

    /** After an end that left something on a host, the environment is tried again this much later. */
    @WithDefault("10m")
    Duration stopRetry();
}
