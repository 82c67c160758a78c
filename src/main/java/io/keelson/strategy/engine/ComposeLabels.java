package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** What a container compose manages must carry so that compose still counts it as its own after Keelson replaced it. */
public final class ComposeLabels {

    private ComposeLabels() {}

    /**
     * Gives the create body of a compose-managed container the config hash compose computes for its
     * new image; otherwise the next {@code docker-compose up} would recreate it once more.
     */
    public static void keepHashTrue(String name, ObjectNode body, String engineHost, Consumer<String> log) {
        if (!(body.get("Labels") instanceof ObjectNode labels)) {
            return;
        }
        Map<String, String> map = new HashMap<>();
        labels.fields().forEachRemaining(l -> map.put(l.getKey(), l.getValue().asText()));
        ComposeHash.Result hash = ComposeHash.of(map, engineHost);
        hash.hash().ifPresent(h -> labels.put(ComposeHash.CONFIG_HASH, h));
        if (hash.problem() != null) {
            log.accept(name + ": keeps its old compose config hash, so docker-compose up will recreate it once more: "
                    + hash.problem());
        }
    }
}
