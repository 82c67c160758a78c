package io.keelson.strategy.sshdocker;

import io.keelson.catalog.ContainerSpec;
import io.keelson.catalog.RegistrySpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.EdgeRepair;
import io.keelson.edge.EdgeSettings;
import io.keelson.registry.Credentials;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryHost;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.HostRollout;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.RecordedGates;
import io.keelson.strategy.RepairReport;
import io.keelson.strategy.UnitImages;
import io.keelson.strategy.engine.SetAsideRepair;
import io.keelson.strategy.ssh.OverSsh;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Plain containers on hosts reached over SSH, no compose: what teams do today with
 * {@code ssh host "docker stop app; docker rm app; docker pull …; docker run …"}, done so that the
 * container is never missing. Host after host ({@code hostsAtOnce} at a time), each container is
 * replaced with its own configuration and the new image pinned by digest, behind the health gate,
 * the old one kept until the new one passed. When a host fails, no further host is touched; with
 * {@code onFailure: rollback} every host already changed goes back to what it ran before.
 */
@ApplicationScoped
public class SshDockerStrategy implements OverSsh {

    private static final Logger LOG = Logger.getLogger(SshDockerStrategy.class);

    private final Clock clock;
    private final EdgeSettings edge;

    public SshDockerStrategy(Clock clock, EdgeSettings edge) {
        this.clock = clock;
        this.edge = edge;
    }

    @Override
    public String name() {
        return TargetSpec.SSH_DOCKER;
    }

    @Override
    public List<String> units(TargetSpec target) {
        return target.containers().stream().map(ContainerSpec::name).toList();
    }

    /** Images are checked against each container's configured repository before anything is queued. */
    @Override
    public void checkRequest(
            TargetSpec target,
            List<String> services,
            ImageRef image,
            List<ImageRef> images,
            Map<String, ImageRef> release) {
        OverSsh.super.checkRequest(target, services, image, images, release);
        List<String> names =
                !release.isEmpty() ? List.copyOf(release.keySet()) : services == null ? units(target) : services;
        Map<String, ImageRef> configured = new LinkedHashMap<>();
        names.forEach(unit -> configured.put(unit, configured(target, unit)));
        UnitImages.choose(configured, DeployOrder.deploy(names, false, image, release, List.of()), target, "container");
    }

    @Override
    public Optional<Map<String, ImageRef>> plannedImages(TargetSpec target, DeployOrder order) {
        List<String> names = order.units().isEmpty() ? units(target) : order.units();
        Map<String, ImageRef> configured = new LinkedHashMap<>();
        names.forEach(unit -> configured.put(unit, configured(target, unit)));
        return Optional.of(UnitImages.choose(configured, order.withDigests(Map.of()), target, "container"));
    }

    private static ImageRef configured(TargetSpec target, String unit) {
        return ImageRef.parse(target.container(unit)
                .orElseThrow(() -> new IllegalArgumentException("'" + unit + "' is not a container of this target"))
                .image());
    }

    @Override
    public Outcome deploy(TargetSpec target, DeployOrder order, Progress progress) {
        Optional<Credentials> credentials;
        Map<String, Map<String, Wanted>> perHost;
        try {
            credentials = credentials(target.registry());
            credentials.ifPresent(c -> progress.redact(c.password()));
            perHost = wanted(target, order);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Outcome.failed(e.getMessage());
        }
        String credentialsHost = target.registry() == null
                ? null
                : RegistryHost.normalize(target.registry().server());
        return HostRollout.run(
                target.ssh().hosts(),
                host -> {
                    Map<String, Wanted> units = perHost.get(host);
                    if (units == null || units.isEmpty()) {
                        progress.log("[" + host + "] nothing to restore on this host");
                        return null;
                    }
                    progress.log("[" + host + "] deploying " + String.join(", ", units.keySet())
                            + (order.isRollback() ? " (rollback)" : ""));
                    return new HostSwap(
                            host,
                            target,
                            progress,
                            clock,
                            credentials,
                            credentialsHost,
                            units,
                            order.force(),
                            edge.image());
                },
                target.effectiveRollout(),
                progress,
                "container");
    }

    /**
     * Finishes what a cut-off replacement left on each host: an old container still set aside is
     * put back under its name, or removed when its replacement had passed.
     */
    @Override
    public RepairReport repair(TargetSpec target, RecordedGates gates) {
        RepairReport done = RepairReport.NOTHING;
        for (String host : target.ssh().hosts()) {
            try (HostSwap swap =
                    new HostSwap(host, target, Progress.QUIET, clock, Optional.empty(), null, Map.of(), false, null)) {
                RepairReport here = target.handover() == null
                        ? RepairReport.NOTHING
                        : new EdgeRepair(swap.engine(), target.name())
                                .repair(target.handover().units().keySet(), target.handover()::routes);
                here = here.and(new SetAsideRepair(swap.engine(), host)
                        .repair((unit, labels) -> target.container(unit).isPresent(), gates));
                done = done.and(new RepairReport(
                        here.lines().stream()
                                .map(line -> "[" + host + "] " + line)
                                .toList(),
                        here.complete()));
            } catch (RuntimeException e) {
                // Not a repair: nothing was done. Said in Keelson's log; tried again soon.
                LOG.warnf(
                        "%s [%s]: could not look for containers left set aside: %s",
                        target.name(), host, e.getMessage());
                done = done.and(new RepairReport(List.of(), false));
            }
        }
        return done;
    }

    /** What each unit should run on each host: the pins of a rollback, else the same for every host. */
    private static Map<String, Map<String, Wanted>> wanted(TargetSpec target, DeployOrder order) {
        Map<String, Map<String, Wanted>> perHost = new LinkedHashMap<>();
        if (order.isRollback()) {
            order.pins().forEach((host, pins) -> {
                Map<String, Wanted> units = new LinkedHashMap<>();
                pins.forEach((unit, pin) -> units.put(unit, new Wanted(ImageRef.parse(pin.image()), pin.digest())));
                perHost.put(host, units);
            });
            return perHost;
        }
        List<String> names = order.units().isEmpty()
                ? target.containers().stream().map(ContainerSpec::name).toList()
                : order.units();
        Map<String, ImageRef> configured = new LinkedHashMap<>();
        names.forEach(unit -> configured.put(unit, configured(target, unit)));
        Map<String, Wanted> units = new LinkedHashMap<>();
        UnitImages.choose(configured, order, target, "container")
                .forEach((unit, image) -> units.put(unit, new Wanted(image, null)));
        target.ssh().hosts().forEach(host -> perHost.put(host, units));
        return perHost;
    }

    private static Optional<Credentials> credentials(RegistrySpec registry) {
        if (registry == null) {
            return Optional.empty();
        }
        return Optional.of(
                new Credentials(registry.username(), registry.password().read().orElseThrow()));
    }
}
