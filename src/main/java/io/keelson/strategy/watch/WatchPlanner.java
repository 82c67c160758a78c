package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetSpec;
import io.keelson.catalog.WatchSpec;
import io.keelson.registry.CredentialSource;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryClient;
import io.keelson.registry.RepoDigests;
import io.keelson.strategy.ImageGate;
import io.keelson.strategy.RegistryCredentials;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.ImageDigests;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one check of a watch target finds: the selected containers grouped by image reference, one
 * registry request per reference (never a pull), and the containers whose image moved since.
 */
final class WatchPlanner {

    private final DockerEngines engines;
    private final RegistryClient registry;
    private final ImageGate gate;
    private final MeterRegistry meters;
    private final Redactor redactor;
    private final Map<String, AtomicInteger> watched = new ConcurrentHashMap<>();

    WatchPlanner(
            DockerEngines engines, RegistryClient registry, ImageGate gate, MeterRegistry meters, Redactor redactor) {
        this.gate = gate;
        this.engines = engines;
        this.registry = registry;
        this.meters = meters;
        this.redactor = redactor;
    }

    /**
     * The runbook of a check: select, group by reference, one registry request each, compare. What
     * the engine's container list says is enough for a container that did not move: the engine is
     * asked about each distinct image once, and about a container only when it is to be updated.
     */
    WatchPlan plan(TargetSpec target, List<ImageRef> only, Set<String> refused) {
        DockerEngine engine = engines.of(target);
        WatchSpec watch = target.effectiveWatch();
        List<String> notes = new ArrayList<>();
        Map<String, List<DockerEngine.Listed>> byImage = new LinkedHashMap<>();
        for (DockerEngine.Listed listed : engine.runningContainers()) {
            if (!Selection.selected(listed.labels(), watch.labelEnable(), watch.scope())) {
                continue;
            }
            String configured = configuredImage(engine, listed);
            Optional<ImageRef> ref = configured == null ? Optional.empty() : ImageRef.tryParse(configured);
            if (configured == null) {
                continue; // gone since it was listed
            }
            if (ref.isEmpty() || ref.get().digest() != null) {
                notes.add(listed.name() + ": runs '" + configured + "', not a tag; not watched");
                continue;
            }
            if (!only.isEmpty() && only.stream().noneMatch(o -> RepoDigests.sameTag(o, ref.get()))) {
                continue;
            }
            byImage.computeIfAbsent(withTag(ref.get()).toString(), k -> new ArrayList<>())
                    .add(listed);
        }
        if (only.isEmpty()) {
            watchedGauge(target.name())
                    .set(byImage.values().stream().mapToInt(List::size).sum());
        }
        CredentialSource credentials = RegistryCredentials.of(target, redactor);
        Map<String, Optional<ObjectNode>> images = new HashMap<>();
        List<WatchPlan.Update> updates = new ArrayList<>();
        List<WatchPlan.Refused> refusals = new ArrayList<>();
        for (Map.Entry<String, List<DockerEngine.Listed>> group : byImage.entrySet()) {
            ImageRef ref = ImageRef.parse(group.getKey());
            RegistryClient.Answer answer = registry.digestOf(ref, credentials);
            if (answer instanceof RegistryClient.Failed failed) {
                notes.add("registry check of " + ref + " failed, nothing changed for " + names(group.getValue()) + ": "
                        + failed.reason());
                continue;
            }
            String remote = ((RegistryClient.Digest) answer).digest();
            Optional<ImageGate.Refusal> verdict = null; // asked once per digest, and only when a container would move
            for (DockerEngine.Listed listed : group.getValue()) {
                String name = listed.name();
                ObjectNode oldImage = images.computeIfAbsent(listed.imageId(), engine::inspectImage)
                        .orElse(null);
                String local =
                        oldImage == null ? null : ImageDigests.in(oldImage, ref).orElse(null);
                if (remote.equals(local)) {
                    continue;
                }
                if (refused.contains(name + "@" + remote)) {
                    notes.add(name + ": skips " + remote
                            + ", which failed its health gate before; push a new image or deploy it by hand");
                    continue;
                }
                if (verdict == null) {
                    verdict = gate.refusal(target, ref, remote);
                    if (verdict.isPresent() && verdict.get() instanceof ImageGate.TooYoung young) {
                        notes.add(young.reason() + "; the watcher tries again at each check");
                    }
                }
                if (verdict.isPresent() && verdict.get() instanceof ImageGate.BadSignature bad) {
                    refusals.add(new WatchPlan.Refused(name, ref, local, remote, bad.reason()));
                } else if (verdict.isEmpty()) {
                    engine.inspectContainer(listed.id())
                            .ifPresent(inspect ->
                                    updates.add(new WatchPlan.Update(name, inspect, oldImage, ref, local, remote)));
                }
            }
        }
        return new WatchPlan(updates, refusals, notes);
    }

    /**
     * The reference a container was created from. The engine's list gives it, except when that
     * reference has since moved to another image: then the list shows the image id, and the
     * container's own configuration is read. Null when the container is gone.
     */
    private static String configuredImage(DockerEngine engine, DockerEngine.Listed listed) {
        String image = listed.image();
        if (image != null && !image.startsWith("sha256:") && !image.equals(listed.imageId())) {
            return image;
        }
        return engine.inspectContainer(listed.id())
                .map(inspect -> inspect.path("Config").path("Image").asText(""))
                .orElse(null);
    }

    /** keelson_watched_containers{target}: how many containers the target's last full check watched. */
    private AtomicInteger watchedGauge(String target) {
        return watched.computeIfAbsent(
                target, t -> meters.gauge("keelson.watched.containers", Tags.of("target", t), new AtomicInteger()));
    }

    static ImageRef withTag(ImageRef ref) {
        return ref.tag() != null ? ref : new ImageRef(ref.domain(), ref.path(), "latest", null);
    }

    private static String names(List<DockerEngine.Listed> containers) {
        return String.join(
                ", ", containers.stream().map(DockerEngine.Listed::name).toList());
    }
}
