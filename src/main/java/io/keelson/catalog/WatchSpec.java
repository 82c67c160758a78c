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
}
