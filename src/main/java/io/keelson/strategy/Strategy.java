package io.keelson.strategy;

import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A way of deploying a target, named by the catalog's {@code strategy} field. The deploy package
 * knows strategies only through this interface (see {@link Strategies}), so a new one is a new
 * implementation and nothing else: it answers for its own units, requests, endpoints and repairs.
 */
public interface Strategy {

    /** The catalog's {@code strategy} value this implementation handles. */
    String name();

    /**
     * Carries out one deployment (or rollback, or check) of {@code target}, reporting as it goes.
     * A check that finds nothing to change reports only {@link Progress#note notes}, so it leaves
     * no deployment behind.
     */
    Outcome deploy(TargetSpec target, DeployOrder order, Progress progress);

    /** The units a request may name in {@code services}; empty when the strategy finds its units itself. */
    List<String> units(TargetSpec target);

    /**
     * Refuses a request this strategy cannot carry out, before anything is queued; the message
     * says what to send instead. Grammar and the units' names were checked already.
     *
     * @throws IllegalArgumentException with the field and the reason
     */
    default void checkRequest(
            TargetSpec target,
            List<String> services,
            ImageRef image,
            List<ImageRef> images,
            Map<String, ImageRef> release) {
        if (images != null && !images.isEmpty()) {
            throw new IllegalArgumentException("images: applies to watch targets; this deployment takes \"image\"");
        }
    }

    /**
     * Whether the target follows its registry on its own (scheduled checks, registry notifications):
     * such a target is paused by a rollback, so the next check does not undo it, and its failed
     * digests are not tried again.
     */
    default boolean followsRegistry() {
        return false;
    }

    /**
     * Removes the target's project from every host (containers, volumes, networks, folder): the
     * end of a review environment. It tries every host, and the outcome names what is left.
     */
    default Outcome stop(TargetSpec target, Progress progress) {
        return Outcome.failed("a " + name() + " target has no project to stop; only ssh-compose environments stop");
    }

    /**
     * The image each unit of {@code order} runs, as the order and the target name it (a tag, until a
     * deploy policy pins its digest): what the policy checks before anything is pulled or changed.
     * Empty when the strategy finds its images itself (a watch check asks {@link ImageGate} instead).
     *
     * @throws IllegalStateException when the images cannot be known now (a host that does not answer)
     */
    default Optional<Map<String, ImageRef>> plannedImages(TargetSpec target, DeployOrder order) {
        return Optional.empty();
    }

    /** The hosts or engines the target depends on, as shown in its health ({@code host:port}, an engine URL). */
    List<String> endpoints(TargetSpec target);

    /** Why {@code endpoint} cannot be reached now, within a short timeout; empty when it answers. */
    Optional<String> unreachable(TargetSpec target, String endpoint);

    /**
     * What {@link #unreachable} depends on: targets whose keys are equal share one probe a round, so a
     * host that a hundred targets deploy to is probed once, not a hundred times. By default the
     * endpoint alone (a TCP connection to {@code host:port} is the same probe for every target on it).
     */
    default Object probeKey(TargetSpec target, String endpoint) {
        return endpoint;
    }

    /**
     * Brings back to running every unit a cut-off replacement left half-done, and says what it did;
     * a new container stays only when {@code gates} says the deployment that made it recorded it
     * as passed. Runs at start, before each deployment, and again soon after one that did not finish.
     */
    default RepairReport repair(TargetSpec target, RecordedGates gates) {
        return RepairReport.NOTHING;
    }

    /** Whether the target's units may be served through an edge, so its edges' counters are read. */
    default boolean mayUseEdge(TargetSpec target) {
        return target.handover() != null;
    }

    /**
     * What the edge of each host or engine of the target counts now, by host as changes name it;
     * empty where there is no edge. Called in the background.
     */
    default Map<String, EdgeReading> edgeReadings(TargetSpec target) {
        return Map.of();
    }
}
