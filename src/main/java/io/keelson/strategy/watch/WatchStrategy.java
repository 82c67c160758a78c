package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetSpec;
import io.keelson.catalog.WatchSpec;
import io.keelson.edge.ContainerHandover;
import io.keelson.edge.EdgeRepair;
import io.keelson.edge.EdgeSettings;
import io.keelson.registry.CredentialSource;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryClient;
import io.keelson.registry.RegistryHost;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.EdgeReading;
import io.keelson.strategy.ImageGate;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.RecordedGates;
import io.keelson.strategy.RegistryCredentials;
import io.keelson.strategy.RepairReport;
import io.keelson.strategy.Strategy;
import io.keelson.strategy.UnitChange;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.ImageDigests;
import io.keelson.strategy.engine.Replacement;
import io.keelson.strategy.engine.Replacements;
import io.keelson.strategy.engine.SetAsideRepair;
import io.keelson.strategy.engine.StopTimeout;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watchtower done right: asks the registry for the digest behind each watched tag (one request per
 * distinct reference, never a pull), then replaces each container whose image moved, one at a time,
 * with the same configuration, behind the health gate, keeping every old container until the whole
 * update has passed.
 */
@ApplicationScoped
public class WatchStrategy implements Strategy {

    private final DockerEngines engines;
    private final Clock clock;
    private final WatchPlanner planner;
    private final Redactor redactor;
    private final EdgeSettings edge;

    public WatchStrategy(
            DockerEngines engines,
            RegistryClient registry,
            ImageGate gate,
            Clock clock,
            MeterRegistry meters,
            Redactor redactor,
            EdgeSettings edge) {
        this.edge = edge;
        this.engines = engines;
        this.clock = clock;
        this.redactor = redactor;
        this.planner = new WatchPlanner(engines, registry, gate, meters, redactor);
    }

    @Override
    public String name() {
        return TargetSpec.WATCH;
    }

    /** A watch target finds its units by label; a request cannot name them. */
    @Override
    public List<String> units(TargetSpec target) {
        return List.of();
    }

    @Override
    public void checkRequest(
            TargetSpec target,
            List<String> services,
            ImageRef image,
            List<ImageRef> images,
            Map<String, ImageRef> release) {
        if (image != null) {
            throw new IllegalArgumentException(
                    "image: applies to targets deployed over SSH; a watch deployment takes \"images\" to limit its check");
        }
        if (services != null) {
            throw new IllegalArgumentException(
                    "services: applies to targets deployed over SSH; a watch target finds its containers by label");
        }
    }

    @Override
    public boolean followsRegistry() {
        return true;
    }

    /** The engine a target watches, as its changes name it ({@code host} of a change). */
    @Override
    public List<String> endpoints(TargetSpec target) {
        return List.of(engines.of(target).host());
    }

    /** Any watched container may ask for a handover by its labels. */
    @Override
    public boolean mayUseEdge(TargetSpec target) {
        return true;
    }

    @Override
    public Map<String, EdgeReading> edgeReadings(TargetSpec target) {
        return WatchHandovers.edgeReadings(engines.of(target));
    }

    @Override
    public Optional<String> unreachable(TargetSpec target, String endpoint) {
        return engines.of(target).ping() ? Optional.empty() : Optional.of("the engine does not answer a ping");
    }

    /** The engine's whole connection (address and TLS files): two targets reach one engine alike only if all are equal. */
    @Override
    public Object probeKey(TargetSpec target, String endpoint) {
        return DockerEngines.specOf(target);
    }

    /**
     * A check (scheduled, notified or asked through the API), or a rollback. A check that finds
     * nothing to update only takes notes, so a scheduled one leaves no deployment behind.
     */
    @Override
    public Outcome deploy(TargetSpec target, DeployOrder order, Progress progress) {
        if (order.isRollback()) {
            return restore(target, order, progress);
        }
        WatchPlan plan = planner.plan(target, order.images(), order.refused());
        if (plan.isEmpty()) {
            plan.notes().forEach(progress::note);
            return Outcome.succeeded();
        }
        plan.notes().forEach(progress::log);
        Optional<String> refused = plan.recordRefused(engines.of(target).host(), progress);
        Outcome outcome = plan.updates().isEmpty() ? Outcome.succeeded() : apply(target, plan, progress);
        return refused.isPresent() && outcome.result() == Outcome.Result.SUCCEEDED
                ? Outcome.failed(refused.get())
                : outcome;
    }

    /** Pulls what moved and replaces the containers one at a time; all old ones stay until all pass. */
    private Outcome apply(TargetSpec target, WatchPlan plan, Progress progress) {
        DockerEngine engine = engines.of(target);
        String host = engine.host();
        WatchSpec watch = target.effectiveWatch();
        if (watch.monitorOnly()) {
            for (WatchPlan.Update u : plan.updates()) {
                progress.log("monitorOnly: " + u.name() + " would go from " + u.fromDigest() + " to " + u.toDigest()
                        + " (" + u.image() + ")");
                progress.record(new UnitChange(
                        host,
                        u.name(),
                        u.image().toString(),
                        u.image().toString(),
                        u.fromDigest(),
                        u.toDigest(),
                        ChangeStatus.UNCHANGED));
            }
            return Outcome.succeeded();
        }
        CredentialSource credentials = RegistryCredentials.of(target, redactor);
        boolean exact = target.policy() != null && target.policy().checksSignatures();
        Map<String, String> pulled = WatchPulls.pullAll(engine, plan.updates(), credentials, exact, progress);
        return replaceAll(target, engine, plan.updates(), pulled, progress);
    }

    /** Replaces the containers one at a time through {@link Replacements}, then removes superseded images if asked. */
    private Outcome replaceAll(
            TargetSpec target,
            DockerEngine engine,
            List<WatchPlan.Update> updates,
            Map<String, String> pulled,
            Progress progress) {
        List<Replacement> all = updates.stream()
                .map(u -> new Replacement(
                        u.name(),
                        u.inspect(),
                        u.oldImage(),
                        u.image(),
                        u.image().toString(),
                        u.fromDigest(),
                        pulled.getOrDefault(u.image().toString(), u.toDigest()),
                        stopTimeout(target, u.inspect())))
                .toList();
        List<Replacement> handedOver =
                all.stream().filter(r -> WatchHandovers.asked(r.inspect())).toList();
        List<Replacement> replacements =
                all.stream().filter(r -> !handedOver.contains(r)).toList();
        Outcome outcome =
                new Replacements(engine, engine.host(), target.effectiveRollout(), clock, progress).run(replacements);
        if (outcome.result() == Outcome.Result.SUCCEEDED && !handedOver.isEmpty()) {
            CredentialSource credentials = RegistryCredentials.of(target, redactor);
            outcome = new WatchHandovers(
                            engine,
                            target,
                            edge.image(),
                            image -> engine.pull(
                                    ImageRef.parse(image),
                                    credentials.forRegistry(RegistryHost.of(ImageRef.parse(image))),
                                    RegistryHost.of(ImageRef.parse(image))),
                            clock,
                            progress)
                    .run(handedOver);
        }
        if (outcome.result() == Outcome.Result.SUCCEEDED
                && target.effectiveWatch().cleanup()) {
            updates.stream()
                    .map(u -> u.inspect().path("Image").asText())
                    .distinct()
                    .forEach(imageId -> {
                        if (engine.removeImageIfUnused(imageId)) {
                            progress.log("cleanup: removed superseded image " + imageId);
                        }
                    });
        }
        return outcome;
    }

    /**
     * Brings every unit a cut-off replacement left half-done back to a running state (see
     * {@link SetAsideRepair}); {@code passed} names the units whose new container passed its gate.
     */
    @Override
    public RepairReport repair(TargetSpec target, RecordedGates gates) {
        WatchSpec watch = target.effectiveWatch();
        DockerEngine engine = engines.of(target);
        List<String> handedOver = engine.containersNamedLike("").stream()
                .filter(c -> c.labels().containsKey(WatchHandovers.MODE)
                        && Selection.selected(c.labels(), watch.labelEnable(), watch.scope()))
                .map(DockerEngine.Listed::name)
                .filter(name -> !name.contains(ContainerHandover.NEW_MARK))
                .toList();
        RepairReport edges = new EdgeRepair(engine, target.name())
                .repair(
                        handedOver,
                        // Only this target's containers: another target's handover in progress is not this repair's.
                        unit -> handedOver.contains(unit) ? WatchHandovers.routesOf(engine, unit) : List.of());
        return edges.and(new SetAsideRepair(engine, engine.host())
                .repair((unit, labels) -> Selection.selected(labels, watch.labelEnable(), watch.scope()), gates));
    }

    /** Puts each named container back on the digest a rollback pins, keeping its tag as its image. */
    private Outcome restore(TargetSpec target, DeployOrder order, Progress progress) {
        DockerEngine engine = engines.of(target);
        Map<String, DeployOrder.Pin> pins = order.pins().getOrDefault(engine.host(), Map.of());
        if (pins.isEmpty()) {
            return Outcome.failed("the deployment rolled back to changed no container on " + engine.host());
        }
        List<WatchPlan.Update> updates = new ArrayList<>();
        Map<String, String> pulled = new LinkedHashMap<>();
        CredentialSource credentials = RegistryCredentials.of(target, redactor);
        for (Map.Entry<String, DeployOrder.Pin> pin : pins.entrySet()) {
            Optional<ObjectNode> inspect = engine.inspectContainer(pin.getKey());
            if (inspect.isEmpty()) {
                progress.log(pin.getKey() + ": no such container on " + engine.host() + " any more; skipped");
                continue;
            }
            ImageRef tag = WatchPlanner.withTag(ImageRef.parse(inspect.get()
                    .path("Config")
                    .path("Image")
                    .asText(pin.getValue().image())));
            WatchPulls.pullExactly(engine, tag, pin.getValue().digest(), credentials, progress);
            ObjectNode oldImage =
                    engine.inspectImage(inspect.get().path("Image").asText()).orElse(null);
            String from =
                    oldImage == null ? null : ImageDigests.in(oldImage, tag).orElse(null);
            updates.add(new WatchPlan.Update(
                    pin.getKey(),
                    inspect.get(),
                    oldImage,
                    tag,
                    from,
                    pin.getValue().digest()));
            pulled.put(tag.toString(), pin.getValue().digest());
        }
        if (updates.isEmpty()) {
            return Outcome.failed("none of the containers to roll back exists any more");
        }
        return replaceAll(target, engine, updates, pulled, progress);
    }

    /** The graceful stop, clamped below the engine client's answer timeout so a stop never outlives its call. */
    static int stopTimeout(TargetSpec target, ObjectNode inspect) {
        return StopTimeout.of(
                inspect, (int) target.effectiveWatch().stopTimeout().toSeconds());
    }
}
