package io.keelson.strategy.sshdocker;

import io.keelson.catalog.ContainerSpec;
import io.keelson.catalog.RegistrySpec;
import io.keelson.catalog.RolloutSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.Credentials;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryHost;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.Strategy;
import io.keelson.strategy.engine.SetAsideRepair;
import io.keelson.strategy.ssh.SshHost;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plain containers on hosts reached over SSH, no compose: what teams do today with
 * {@code ssh host "docker stop app; docker rm app; docker pull …; docker run …"}, done so that the
 * container is never missing. Host after host ({@code hostsAtOnce} at a time), each container is
 * replaced with its own configuration and the new image pinned by digest, behind the health gate,
 * the old one kept until the new one passed. When a host fails, no further host is touched; with
 * {@code onFailure: rollback} every host already changed goes back to what it ran before.
 */
@ApplicationScoped
public class SshDockerStrategy implements Strategy {

    private final Clock clock;

    public SshDockerStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return TargetSpec.SSH_DOCKER;
    }

    @Override
    public List<String> units(TargetSpec target) {
        return target.containers().stream().map(ContainerSpec::name).toList();
    }

    @Override
    public List<String> endpoints(TargetSpec target) {
        return SshHost.endpoints(target.ssh());
    }

    @Override
    public Optional<String> unreachable(TargetSpec target, String endpoint) {
        return SshHost.unreachable(endpoint);
    }

    /** Images are checked against each container's configured repository before anything is queued. */
    @Override
    public void checkRequest(TargetSpec target, List<String> services, ImageRef image, List<ImageRef> images, Map<String, ImageRef> release) {
        Strategy.super.checkRequest(target, services, image, images, release);
        release.forEach((unit, ref) -> {
            String own = configured(target, unit).repository();
            if (!target.allowsImage(ref.repository(), own)) {
                throw new IllegalArgumentException("release." + unit + ": " + ref.repository() + " is not " + unit + "'s repository " + own
                        + " and the target's allowedImages do not name it");
            }
        });
        if (image != null) {
            List<String> names = services == null ? units(target) : services;
            boolean own = names.stream().anyMatch(unit -> configured(target, unit).repository().equals(image.repository()));
            if (!own && (names.size() != 1 || !target.allowsImage(image.repository(), configured(target, names.get(0)).repository()))) {
                throw new IllegalArgumentException("image: " + image.repository() + " is not the repository of any of " + names
                        + "; name the one container it is for in \"services\", and an admin may allow it in allowedImages");
            }
        }
    }

    private static ImageRef configured(TargetSpec target, String unit) {
        return ImageRef.parse(target.container(unit).orElseThrow(() -> new IllegalArgumentException("'" + unit + "' is not a container of this target"))
                .image());
    }

    @Override
    public Outcome deploy(TargetSpec target, DeployOrder order, Progress progress) {
        Optional<Credentials> credentials;
        Map<String, Map<String, HostSwap.Wanted>> perHost;
        try {
            credentials = credentials(target.registry());
            credentials.ifPresent(c -> progress.redact(c.password()));
            perHost = wanted(target, order);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Outcome.failed(e.getMessage());
        }
        String credentialsHost = target.registry() == null ? null : RegistryHost.normalize(target.registry().server());
        RolloutSpec rollout = target.effectiveRollout();
        List<HostSwap> touched = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(rollout.hostsAtOnce());
        try {
            List<String> hosts = target.ssh().hosts();
            for (int start = 0; start < hosts.size(); start += rollout.hostsAtOnce()) {
                List<HostSwap> batch = new ArrayList<>();
                List<Future<?>> running = new ArrayList<>();
                for (String host : hosts.subList(start, Math.min(hosts.size(), start + rollout.hostsAtOnce()))) {
                    Map<String, HostSwap.Wanted> units = perHost.get(host);
                    if (units == null || units.isEmpty()) {
                        progress.log("[" + host + "] nothing to restore on this host");
                        continue;
                    }
                    HostSwap swap = new HostSwap(host, target, progress, clock, credentials, credentialsHost);
                    batch.add(swap);
                    progress.log("[" + host + "] deploying " + String.join(", ", units.keySet()) + (order.isRollback() ? " (rollback)" : ""));
                    running.add(pool.submit(() -> swap.run(units, order.force())));
                }
                touched.addAll(batch);
                String failure = failures(batch, running);
                if (failure != null) {
                    return fail(failure, touched, rollout, progress);
                }
            }
            return Outcome.succeeded();
        } finally {
            pool.shutdownNow();
            touched.forEach(HostSwap::close);
        }
    }

    /**
     * Finishes what a cut-off replacement left on each host: an old container still set aside is
     * put back under its name, or removed when its replacement had passed.
     */
    @Override
    public List<String> repair(TargetSpec target, Set<String> passed) {
        List<String> done = new ArrayList<>();
        for (String host : target.ssh().hosts()) {
            try (HostSwap swap = new HostSwap(host, target, Progress.QUIET, clock, Optional.empty(), null)) {
                new SetAsideRepair(swap.engine()).repair((unit, labels) -> target.container(unit).isPresent(), passed)
                        .forEach(line -> done.add("[" + host + "] " + line));
            } catch (RuntimeException e) {
                done.add("[" + host + "] could not look for containers left set aside: " + e.getMessage() + " (tried again before the next deployment)");
            }
        }
        return done;
    }

    /** What each unit should run on each host: the pins of a rollback, else the same for every host. */
    private static Map<String, Map<String, HostSwap.Wanted>> wanted(TargetSpec target, DeployOrder order) {
        Map<String, Map<String, HostSwap.Wanted>> perHost = new LinkedHashMap<>();
        if (order.isRollback()) {
            order.pins().forEach((host, pins) -> {
                Map<String, HostSwap.Wanted> units = new LinkedHashMap<>();
                pins.forEach((unit, pin) -> units.put(unit, new HostSwap.Wanted(ImageRef.parse(pin.image()), pin.digest())));
                perHost.put(host, units);
            });
            return perHost;
        }
        Map<String, HostSwap.Wanted> units = new LinkedHashMap<>();
        List<String> names = order.units().isEmpty() ? target.containers().stream().map(ContainerSpec::name).toList() : order.units();
        List<String> matching = new ArrayList<>();
        for (String unit : names) {
            ContainerSpec container = target.container(unit)
                    .orElseThrow(() -> new IllegalArgumentException("'" + unit + "' is not one of this target's containers"));
            ImageRef configured = ImageRef.parse(container.image());
            ImageRef image = configured;
            if (order.isRelease()) {
                image = order.release().get(unit);
                if (!target.allowsImage(image.repository(), configured.repository())) {
                    throw new IllegalArgumentException("release: image " + image + " is not allowed for " + unit + ": its image comes from "
                            + configured.repository() + ", and the target's allowedImages do not name " + image.repository() + "; nothing was changed");
                }
            } else if (order.image() != null && configured.repository().equals(order.image().repository())) {
                image = order.image();
                matching.add(unit);
            }
            units.put(unit, new HostSwap.Wanted(image, null));
        }
        if (order.image() != null && matching.isEmpty()) {
            overrideTheOneUnit(target, order.image(), names, units);
        }
        target.ssh().hosts().forEach(host -> perHost.put(host, units));
        return perHost;
    }

    /** An image from another repository than the unit's own: only for one named unit the target's {@code allowedImages} let run it. */
    private static void overrideTheOneUnit(TargetSpec target, ImageRef image, List<String> names, Map<String, HostSwap.Wanted> units) {
        if (names.size() != 1) {
            throw new IllegalArgumentException("image " + image + " is not the repository of any of " + names
                    + "; name the one container it is for in \"services\"");
        }
        String unit = names.get(0);
        String own = units.get(unit).image().repository();
        if (!target.allowsImage(image.repository(), own)) {
            throw new IllegalArgumentException("image " + image + " is not allowed for " + unit + ": its image comes from " + own
                    + ", and the target's allowedImages do not name " + image.repository() + "; nothing was changed");
        }
        units.put(unit, new HostSwap.Wanted(image, null));
    }

    private Outcome fail(String failure, List<HostSwap> touched, RolloutSpec rollout, Progress progress) {
        boolean restored = touched.stream().anyMatch(HostSwap::restoredItself);
        if (touched.stream().noneMatch(HostSwap::changedAnything)) {
            return restored ? Outcome.rolledBack(failure) : Outcome.failed(failure);
        }
        if (rollout.onFailure() == RolloutSpec.OnFailure.STOP) {
            progress.log("onFailure is stop: leaving everything as it is now");
            return Outcome.failed(failure);
        }
        progress.log("rolling back every container this deployment changed");
        List<String> notRestored = new ArrayList<>();
        for (HostSwap host : touched) {
            notRestored.addAll(host.rollBack());
        }
        if (!notRestored.isEmpty()) {
            return Outcome.failed(failure + "; the rollback also failed for " + String.join(", ", notRestored));
        }
        return Outcome.rolledBack(failure);
    }

    /** Waits for the hosts of one batch; returns their failures joined, or null. */
    private static String failures(List<HostSwap> batch, List<Future<?>> running) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                failures.add(cause.getMessage() == null ? cause.toString() : cause.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add("interrupted while deploying " + batch.get(i).host());
            }
        }
        return failures.isEmpty() ? null : String.join("; ", failures);
    }

    private static Optional<Credentials> credentials(RegistrySpec registry) {
        if (registry == null) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(registry.username(), registry.password().read().orElseThrow()));
    }
}
