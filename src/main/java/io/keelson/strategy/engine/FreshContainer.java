package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.RolloutSpec;
import io.keelson.strategy.HealthGate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A container that did not exist before: created, connected to its further networks, started and
 * put through the health gate. One that fails is removed again, so a failed first deployment leaves
 * the host as it found it.
 */
public final class FreshContainer {

    /** The new container's id (null if it was never created) and the gate's failure, if any. */
    public record Result(String id, Optional<String> failure) {}

    private FreshContainer() {}

    public static Result start(
            DockerEngine engine,
            Clock clock,
            String name,
            ObjectNode body,
            List<String> laterNetworks,
            RolloutSpec rollout) {
        String id = null;
        Optional<String> failure;
        try {
            id = engine.create(name, body);
            for (String network : laterNetworks) {
                engine.connect(network, id, JsonNodeFactory.instance.objectNode());
            }
            engine.start(id);
            String created = id;
            HealthGate gate = new HealthGate(rollout.healthTimeout(), rollout.stableFor(), clock);
            failure = gate.await(
                    () -> engine.inspectContainer(created).map(Recreator::state).orElse(null));
        } catch (RuntimeException e) {
            failure = Optional.of("could not create and start it: " + e.getMessage());
        }
        if (failure.isPresent() && id != null) {
            remove(engine, id);
        }
        return new Result(id, failure);
    }

    /** Removes a container this deployment created (its rollback). */
    public static void remove(DockerEngine engine, String id) {
        engine.remove(id);
    }
}
