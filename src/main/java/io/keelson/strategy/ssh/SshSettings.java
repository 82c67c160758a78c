package io.keelson.strategy.ssh;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How Keelson keeps its SSH connections to deploy hosts. */
@ConfigMapping(prefix = "keelson.ssh")
public interface SshSettings {

    /**
     * How long a connection a deployment or a check is done with is kept open for the next one to
     * the same host with the same login; {@code 0} opens a fresh connection every time.
     */
    @WithDefault("30s")
    Duration keepIdle();
}
