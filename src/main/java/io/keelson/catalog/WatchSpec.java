package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/** Watchtower-style polling settings of a watch target. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WatchSpec(
        Duration interval,
        String schedule,
        Boolean labelEnable,
        String scope,
        Boolean cleanup,
        Boolean monitorOnly,
        Duration stopTimeout) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(86400);

    /** Watchtower's defaults: a day between checks, label opt-in off, any scope, a 10 s stop timeout. */
    public static WatchSpec withDefaults(WatchSpec spec) {
        WatchSpec s = spec == null ? new WatchSpec(null, null, null, null, null, null, null) : spec;
        return new WatchSpec(
                s.interval() == null && s.schedule() == null ? DEFAULT_INTERVAL : s.interval(),
                s.schedule(),
                s.labelEnable() != null && s.labelEnable(),
                s.scope() == null ? "" : s.scope(),
                s.cleanup() != null && s.cleanup(),
                s.monitorOnly() != null && s.monitorOnly(),
                s.stopTimeout() == null ? Duration.ofSeconds(10) : s.stopTimeout());
    }
}
