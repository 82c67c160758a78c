package io.keelson.strategy.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.TargetSpec;
import io.keelson.catalog.WatchSpec;
import io.keelson.strategy.engine.DockerEngine;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A graceful stop never outlives the engine call that asks for it, or the old container would be left stopped. */
class StopTimeoutTest {

    private static final TargetSpec TARGET = new TargetSpec(
            "w",
            "watch",
            null,
            null,
            null,
            null,
            null,
            new WatchSpec(null, null, null, null, null, null, Duration.ofSeconds(10)),
            null,
            null);

    @Test
    void theLabelDecidesTheStopTimeoutUpToTheEngineCallsLimit() throws Exception {
        assertThat(WatchStrategy.stopTimeout(TARGET, withLabel("30"))).isEqualTo(30);
        assertThat(WatchStrategy.stopTimeout(TARGET, withLabel("3600"))).isEqualTo(DockerEngine.MAX_STOP_SECONDS);
        assertThat(WatchStrategy.stopTimeout(TARGET, withLabel(null))).isEqualTo(10);
    }

    private static ObjectNode withLabel(String seconds) throws Exception {
        String labels = seconds == null ? "{}" : "{\"keelson.stop-timeout\": \"" + seconds + "\"}";
        return (ObjectNode) new ObjectMapper().readTree("{\"Config\": {\"Labels\": " + labels + "}}");
    }
}
