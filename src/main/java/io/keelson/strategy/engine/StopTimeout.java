package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** How long a container's graceful stop may take: its {@code keelson.stop-timeout} label, else the target's setting. */
public final class StopTimeout {

    public static final String LABEL = "keelson.stop-timeout";

    private StopTimeout() {}

    /** Seconds, clamped below the engine client's answer timeout so a stop never outlives its call. */
    public static int of(ObjectNode inspect, int fallbackSeconds) {
        String label =
                inspect.path("Config").path("Labels").path(LABEL).asText("").trim();
        int wanted = label.matches("[0-9]{1,5}") ? Integer.parseInt(label) : fallbackSeconds;
        return Math.min(wanted, DockerEngine.MAX_STOP_SECONDS);
    }
}
