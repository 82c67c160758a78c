package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** How a deployment rolls: hosts in parallel, the health gate's limits, and what a failure does. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutSpec(Integer hostsAtOnce, Duration healthTimeout, Duration stableFor, OnFailure onFailure) {

    /** What a deployment does when a unit fails its health gate. */
    public enum OnFailure {
        @JsonProperty("rollback")
        ROLLBACK,
        @JsonProperty("stop")
        STOP
    }

    static RolloutSpec withDefaults(RolloutSpec spec) {
        RolloutSpec s = spec == null ? new RolloutSpec(null, null, null, null) : spec;
        return new RolloutSpec(
                s.hostsAtOnce == null ? 1 : s.hostsAtOnce,
                s.healthTimeout == null ? Duration.ofSeconds(60) : s.healthTimeout,
                s.stableFor == null ? Duration.ofSeconds(5) : s.stableFor,
                s.onFailure == null ? OnFailure.ROLLBACK : s.onFailure);
    }
}
