package io.keelson.strategy.sshdocker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.Credentials;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryHost;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.HostRollout;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.FreshContainer;
import io.keelson.strategy.engine.ImageDigests;
import io.keelson.strategy.engine.Replacement;
import io.keelson.strategy.engine.Replacements;
import io.keelson.strategy.engine.StopTimeout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ssh-docker deployment on one host: connect, reach the host's engine through the SSH tunnel,
 * pull every new image while the old containers serve, then replace each changed container with the
 * same configuration and the new image pinned by digest (the code watch uses), or create it from the
 * catalog when it does not exist yet. It keeps what it changed, so a later host's failure can put
 * this one back too.
 */
final class HostSwap implements HostRollout.HostRun {

    private static final int DEFAULT_STOP_SECONDS = 10;

    /** What this host now runs for a unit that changed: to put back on failure elsewhere. */
    private record Done(
            String unit, ImageRef image, String fromDigest, String toDigest, boolean created, String containerId) {}

    private final String host;
    private final TargetSpec target;
    private final Progress progress;
    private final Clock clock;
    private final Optional<Credentials> credentials;
    private final String credentialsHost;
    private final Map<String, Wanted> units;
    private final boolean force;
    private final String edgeImage;
    private final List<Done> done = new ArrayList<>();
    private boolean restoredItself;
    private RemoteEngine remote;
    private EdgeSwaps edgeSwaps;

    /** {@code credentials} go to {@code credentialsHost} only; an image from any other registry is pulled anonymously. */
    HostSwap(
            String host,
            TargetSpec target,
            Progress progress,
            Clock clock,
            Optional<Credentials> credentials,
            String credentialsHost,
            Map<String, Wanted> units,
            boolean force,
            String edgeImage) {
        this.edgeImage = edgeImage;
        this.credentialsHost = credentialsHost;
        this.units = units;
        this.force = force;
        this.host = host;
        this.target = target;
        this.progress = progress;
        this.clock = clock;
        this.credentials = credentials;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public boolean changedAnything() {
        return !done.isEmpty();
    }

    /** Whether a unit failed here and the host put itself back (the old container restored, a new one removed). */
    @Override
    public boolean restoredItself() {
        return restoredItself;
    }

    /** The host's engine, through SSH; connects on first use. */
    DockerEngine engine() {
        if (remote == null) {
            remote = RemoteEngine.open(host, target.ssh(), this::log);
        }
        return remote.engine();
    }

    /** The units this host serves through its edge. */
    private EdgeSwaps edgeSwaps() {
        if (edgeSwaps == null) {
            edgeSwaps = new EdgeSwaps(
                    engine(), host, target, edgeImage, image -> pull(engine(), ImageRef.parse(image)), clock, progress);
        }
        return edgeSwaps;
    }

    /**
     * Deploys the units (unit → what it should run) on this host; throws with the reason when a
     * unit fails, after restoring what the host changed itself.
     */
    @Override
    public void run() {
        DockerEngine engine = engine();
        Runnable handBack = edgeSwaps().handBack(); // read beside the pull
        Map<String, String> digests = new LinkedHashMap<>();
        units.forEach((unit, wanted) -> digests.put(unit, pull(engine, wanted.pullRef())));
        handBack.run();
        List<Replacement> replacements = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (Map.Entry<String, Wanted> entry : units.entrySet()) {
            String unit = entry.getKey();
            ImageRef image = entry.getValue().image();
            String toDigest = digests.get(unit);
            Optional<ObjectNode> inspect = engine.inspectContainer(unit);
            if (inspect.isEmpty()) {
                fresh.add(unit);
                continue;
            }
            ObjectNode oldImage =
                    engine.inspectImage(inspect.get().path("Image").asText()).orElse(null);
            String fromDigest = ImageDigests.running(inspect.get(), oldImage, image);
            boolean toAdopt = edgeSwaps().handsOver(unit) && !edgeSwaps().adopted(unit, inspect.get());
            if (toDigest.equals(fromDigest) && !force && !toAdopt) {
                log(unit + ": already runs " + toDigest + ", left alone");
                progress.record(new UnitChange(
                        host, unit, image.toString(), image.toString(), fromDigest, toDigest, ChangeStatus.UNCHANGED));
                continue;
            }
            replacements.add(new Replacement(
                    unit,
                    inspect.get(),
                    oldImage,
                    image,
                    image.pinned(toDigest).toString(),
                    fromDigest,
                    toDigest,
                    StopTimeout.of(inspect.get(), DEFAULT_STOP_SECONDS)));
        }
        for (String unit : fresh) {
            create(engine, unit, units.get(unit).image(), digests.get(unit));
        }
        for (Replacement r : replacements.stream()
                .filter(r -> edgeSwaps().handsOver(r.name()))
                .toList()) {
            replacements.remove(r);
            try {
                edgeSwaps().run(r);
            } catch (EdgeSwaps.HandoverFailed e) {
                restoredItself = true;
                throw e;
            }
            done.add(new Done(r.name(), r.image(), r.fromDigest(), r.toDigest(), false, null));
        }
        if (replacements.isEmpty()) {
            return;
        }
        Replacements swaps = new Replacements(engine, host, target.effectiveRollout(), clock, progress);
        Outcome outcome = swaps.run(replacements);
        swaps.committed()
                .forEach(r -> done.add(new Done(r.name(), r.image(), r.fromDigest(), r.toDigest(), false, null)));
        if (outcome.result() != Outcome.Result.SUCCEEDED) {
            restoredItself = outcome.result() == Outcome.Result.ROLLED_BACK;
            throw new IllegalStateException(outcome.error());
        }
    }

    /**
     * Puts back every unit this host changed and committed, newest first: replaced ones to the
     * digest they ran before (still on the host, so no pull is needed), created ones removed.
     * Returns the units it could not restore.
     */
    @Override
    public List<String> rollBack() {
        List<String> failed = new ArrayList<>();
        for (int i = done.size() - 1; i >= 0; i--) {
            Done d = done.get(i);
            try {
                if (d.created()) {
                    progress.guard();
                    FreshContainer.remove(engine(), d.containerId());
                    log(d.unit() + ": was not there before; removed");
                } else {
                    restore(d);
                }
                progress.record(new UnitChange(
                        host,
                        d.unit(),
                        d.image().toString(),
                        d.fromDigest() == null ? null : d.image().toString(),
                        d.fromDigest(),
                        d.toDigest(),
                        ChangeStatus.ROLLED_BACK));
            } catch (RuntimeException e) {
                log("rollback of " + d.unit() + " failed: " + e.getMessage());
                failed.add(host + "/" + d.unit());
            }
        }
        return failed;
    }

    private void restore(Done d) {
        if (d.fromDigest() == null) {
            throw new IllegalStateException(
                    d.unit() + " ran an image with no registry digest, which cannot be pulled back");
        }
        ObjectNode inspect = engine().inspectContainer(d.unit())
                .orElseThrow(() -> new IllegalStateException("no container named " + d.unit() + " to put back"));
        ImageRef previous = d.image().pinned(d.fromDigest());
        pull(engine(), previous);
        ObjectNode current =
                engine().inspectImage(inspect.path("Image").asText()).orElse(null);
        Replacement back = new Replacement(
                d.unit(),
                inspect,
                current,
                d.image(),
                previous.toString(),
                d.toDigest(),
                d.fromDigest(),
                StopTimeout.of(inspect, DEFAULT_STOP_SECONDS));
        if (edgeSwaps().handsOver(d.unit())) {
            edgeSwaps().restore(back);
        } else {
            Outcome outcome = new Replacements(
                            engine(), host, target.effectiveRollout(), clock, Progress.logOnly(this::log, progress))
                    .run(List.of(back));
            if (outcome.result() != Outcome.Result.SUCCEEDED) {
                throw new IllegalStateException(outcome.error());
            }
        }
        log(d.unit() + ": back on " + d.fromDigest());
    }

    private void create(DockerEngine engine, String unit, ImageRef image, String toDigest) {
        var spec = target.container(unit)
                .orElseThrow(() -> new IllegalStateException(unit + " is not a container of this target"));
        ImageRef recorded = image;
        log(unit + ": no such container on this host; creating it from the catalog with " + recorded.repository() + "@"
                + toDigest);
        progress.record(new UnitChange(host, unit, recorded.toString(), null, null, toDigest, ChangeStatus.STARTED));
        CatalogCreate create = CatalogCreate.of(
                spec.create(),
                recorded.pinned(toDigest).toString(),
                CatalogCreate.envFiles(remote, host, spec.create(), progress::redact));
        edgeSwaps().unpublish(unit, create.body());
        progress.guard();
        FreshContainer.Result result = FreshContainer.start(
                engine, clock, unit, create.body(), create.laterNetworks(), target.effectiveRollout());
        if (result.failure().isPresent()) {
            restoredItself = true;
            progress.record(
                    new UnitChange(host, unit, recorded.toString(), null, null, toDigest, ChangeStatus.ROLLED_BACK));
            throw new IllegalStateException(unit + " on " + host + " failed its health gate: "
                    + result.failure().get() + "; the new container was removed");
        }
        edgeSwaps().serve(unit, result.id());
        done.add(new Done(unit, recorded, null, toDigest, true, result.id()));
        progress.record(new UnitChange(host, unit, recorded.toString(), null, null, toDigest, ChangeStatus.SUCCEEDED));
        log(unit + ": healthy");
    }

    /** Pulls {@code image} on the host (the old container keeps serving) and answers its registry digest. */
    private String pull(DockerEngine engine, ImageRef image) {
        log("pulling " + image);
        String registry = RegistryHost.of(image);
        engine.pull(image, registry.equals(credentialsHost) ? credentials : Optional.empty(), registry);
        if (image.digest() != null) {
            return image.digest();
        }
        return engine.inspectImage(image.toString())
                .flatMap(i -> ImageDigests.in(i, image))
                .orElseThrow(() -> new IllegalStateException(
                        "pulled " + image + " but the engine records no registry digest for it"));
    }

    private void log(String line) {
        progress.log("[" + host + "] " + line);
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
    }
}
