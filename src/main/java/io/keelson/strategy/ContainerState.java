package io.keelson.strategy;

/**
 * What the health gate needs to know of a container at one moment, read from {@code docker inspect}.
 *
 * @param health {@code starting}, {@code healthy} or {@code unhealthy}; null without a healthcheck
 * @param startedAt the engine's start timestamp: a change means the container restarted
 */
public record ContainerState(
        String status,
        boolean running,
        boolean restarting,
        int exitCode,
        String health,
        String startedAt,
        int restartCount,
        boolean restartPolicyNone) {

    public String describe() {
        return status
                + (health == null ? "" : " (" + health + ")")
                + (running ? "" : ", exit code " + exitCode)
                + (restartCount > 0 ? ", restarted " + restartCount + "x" : "");
    }
}
