package io.keelson.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The bounds of the deployment queue and journal: what one caller or one noisy command can use up. */
@ConfigMapping(prefix = "keelson.deploy")
public interface DeployConfig {

    /** Deployments a target may have waiting (QUEUED) at once; one more is answered 429 with Retry-After. */
    @WithDefault("20")
    int maxQueuedPerTarget();

    /** Log lines kept from the start of a deployment; past them only the last {@link #logTailLines()} are kept. */
    @WithDefault("5000")
    int logHeadLines();

    /** Log lines kept from the end of a deployment whose log went past {@link #logHeadLines()}. */
    @WithDefault("1000")
    int logTailLines();

    /**
     * How long the log of a finished deployment is kept; older logs are removed (the deployment, its
     * changes and digests stay in the history for rollbacks). {@code 0} keeps every log.
     */
    @WithDefault("90d")
    Duration logRetention();
}
