package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.RolloutSpec;
import io.keelson.strategy.ContainerState;
import io.keelson.strategy.HealthGate;
import io.keelson.strategy.Progress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces one container by a new one with the same configuration, so that the container is never
 * missing: the old one is stopped and renamed aside, the new one takes its name and must pass the
 * health gate; the old one is removed only when the caller {@link Swap#commit() commits}, and is
 * put back, under its name and running, on {@link Swap#restore() restore}.
 */
final class Recreator {

    /** Between a unit's name and the old container's short id in its aside name. */
    static final String ASIDE_MARK = "-keelson-old-";

    private final DockerEngine engine;
    private final Clock clock;
    private final Progress progress;
    private final String host;

    /**
     * {@code progress} is told each step, and asked ({@link Progress#guard}) before each that changes
     * the engine; {@code host} is the engine as the unit's changes name it.
     */
    Recreator(DockerEngine engine, String host, Clock clock, Progress progress) {
        this.host = host;
        this.engine = engine;
        this.clock = clock;
        this.progress = progress;
    }

    /** A replacement in progress; exactly one of commit or restore ends it. */
    final class Swap {
        private final String name;
        private final String oldId;
        private final String asideName;
        private String newId;
        private boolean ended;

        private Swap(String name, String oldId) {
            this.name = name;
            this.oldId = oldId;
            this.asideName = asideName(name, oldId);
        }

        String newId() {
            return newId;
        }

        boolean ended() {
            return ended;
        }

        /** Removes the old container: the new one has proved itself. */
        void commit() {
            progress.guard();
            ended = true;
            engine.remove(oldId);
            progress.log(name + ": old container " + oldId.substring(0, 12) + " removed");
        }

        /**
         * Removes the new container and starts the old one again under its own name. Every step is
         * tried even when one before it failed: an old container running under its aside name is
         * better than none running at all, and the repair gives it its name back.
         */
        void restore() {
            progress.guard();
            ended = true;
            RuntimeException failure = null;
            if (newId != null) {
                failure = attempt(() -> engine.remove(newId), failure);
            }
            // Started while still aside, then renamed: if the engine fails half-way, the old container
            // keeps its aside name, so the repair before the next check finds it and finishes the job.
            failure = attempt(() -> engine.start(oldId), failure);
            failure = attempt(() -> engine.rename(oldId, name), failure);
            if (failure != null) {
                throw new IllegalStateException(
                        name + ": restoring the old container " + oldId.substring(0, 12) + " failed: "
                                + failure.getMessage(),
                        failure);
            }
            progress.log(name + ": old container " + oldId.substring(0, 12) + " restored and running");
        }
    }

    /** The name an old container waits under while its replacement proves itself; {@link SetAsideRepair} looks for it. */
    static String asideName(String name, String oldId) {
        return name + ASIDE_MARK + oldId.substring(0, 12);
    }

    private static RuntimeException attempt(Runnable step, RuntimeException earlier) {
        try {
            step.run();
            return earlier;
        } catch (RuntimeException e) {
            return earlier != null ? earlier : e;
        }
    }

    /** What a replacement came to: the swap to commit or restore, and the gate's failure if any. */
    record Result(Swap swap, Optional<String> failure) {}

    /**
     * Stops and sets aside the old container, creates and starts the new one from {@code image}
     * (the reference, normally the same tag, now naming the pulled image) and waits for the gate.
     */
    Result replace(ObjectNode inspect, ObjectNode oldImage, String image, int stopTimeoutSeconds, RolloutSpec rollout) {
        String name = inspect.path("Name").asText().replaceFirst("^/", "");
        Swap swap = new Swap(name, inspect.path("Id").asText());
        CreateBody create = CreateBody.from(inspect, oldImage);
        create.body().put("Image", image);
        ComposeLabels.keepHashTrue(name, create.body(), engine.host(), progress::log);
        progress.guard();
        setAside(swap, stopTimeoutSeconds);
        // From here on the old container is stopped and renamed: whatever happens, the caller gets
        // the swap back, to commit or restore.
        try {
            progress.guard();
            swap.newId = engine.create(name, create.body());
            progress.created(host, name, swap.newId);
            for (Map.Entry<String, JsonNode> network : create.laterNetworks().entrySet()) {
                engine.connect(network.getKey(), swap.newId, network.getValue());
            }
            engine.start(swap.newId);
        } catch (RuntimeException e) {
            return new Result(swap, Optional.of("could not start the new container: " + e.getMessage()));
        }
        progress.log(name + ": new container " + swap.newId.substring(0, 12) + " started, waiting for the health gate");
        HealthGate gate = new HealthGate(rollout.healthTimeout(), rollout.stableFor(), clock);
        String id = swap.newId;
        try {
            return new Result(
                    swap,
                    gate.await(() ->
                            engine.inspectContainer(id).map(Recreator::state).orElse(null)));
        } catch (RuntimeException e) {
            return new Result(
                    swap, Optional.of("the health gate could not watch the new container: " + e.getMessage()));
        }
    }

    /**
     * Renames the old container aside, then stops it. In this order a step that fails leaves either
     * the untouched container running under its name, or one under its aside name, which the
     * repair knows to put back: never a container stopped under its own name that nothing would
     * start again. A failed stop puts it back (name, then start) before the error goes up.
     */
    private void setAside(Swap swap, int stopTimeoutSeconds) {
        engine.rename(swap.oldId, swap.asideName);
        try {
            engine.stop(swap.oldId, stopTimeoutSeconds);
        } catch (RuntimeException e) {
            attempt(() -> engine.rename(swap.oldId, swap.name), null);
            attempt(() -> engine.start(swap.oldId), null);
            throw e;
        }
    }

    static ContainerState state(ObjectNode inspect) {
        JsonNode s = inspect.path("State");
        JsonNode health = s.path("Health");
        String policy =
                inspect.path("HostConfig").path("RestartPolicy").path("Name").asText("");
        return new ContainerState(
                s.path("Status").asText("unknown"),
                s.path("Running").asBoolean(),
                s.path("Restarting").asBoolean(),
                s.path("ExitCode").asInt(),
                health.isMissingNode() || health.isNull()
                        ? null
                        : health.path("Status").asText(null),
                s.path("StartedAt").asText(""),
                inspect.path("RestartCount").asInt(),
                policy.isEmpty() || policy.equals("no"));
    }
}
