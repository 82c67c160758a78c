package io.keelson.strategy.ssh;

import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.HealthGate;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One deployment on one host: connect, log in, pull while the old containers serve, pin by digest,
 * recreate what changed one service at a time behind the health gate. It keeps what it changed so
 * the whole deployment can put it back.
 */
final class HostDeploy {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** How long a rollback lets a command cut off from Keelson finish on its own before stopping it. */
    private static final int UNFINISHED_WAIT_SECONDS = 60;

    /** What a service's container ran: the reference it was created from and that image's registry digest (null if none). */
    private record Running(ImageRef image, String digest) {
    }

    /** A service this deployment recreated: what ran before (null if nothing did) and the digest deployed. */
    private record Applied(String service, ImageRef image, Running before, String toDigest) {
        String fromDigest() {
            return before == null ? null : before.digest();
        }

        String fromImage() {
            return before == null ? null : before.image().toString();
        }
    }

    private final String host;
    private final TargetSpec target;
    private final DeployOrder order;
    private final Progress progress;
    private final Clock clock;
    private final String registryPassword;
    private final ComposeCommands commands;
    private final Executor background;
    private final List<Applied> applied = new ArrayList<>();
    private SshHost ssh;
    private String composeVersion;
    private Map<String, String> pins = new LinkedHashMap<>();

    HostDeploy(String host, TargetSpec target, DeployOrder order, Progress progress, Clock clock, String registryPassword,
               Executor background) {
        this.host = host;
        this.background = background;
        this.target = target;
        this.order = order;
        this.progress = progress;
        this.clock = clock;
        this.registryPassword = registryPassword;
        this.commands = new ComposeCommands(target.compose(), target.ssh().usesSudo());
    }

    String host() {
        return host;
    }

    /** The runbook for this host; throws with the reason at the first step that fails. */
    void run() {
        if (order.isRollback() && !order.pins().containsKey(host)) {
            log("nothing to restore on this host");
            return;
        }
        log("deploying " + String.join(", ", order.units()) + (order.isRollback() ? " (rollback)" : ""));
        connect();
        logIn();
        // Independent reads, each its own SSH channel: compose's Python start-up dominates, so overlap them.
        List<String> services = order.isRollback() ? List.copyOf(order.pins().get(host).keySet()) : order.units();
        CompletableFuture<String> config = order.isRollback() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> require(commands.config(), "docker-compose config").stdout(), background);
        CompletableFuture<SshHost.Result> override = CompletableFuture.supplyAsync(() -> ssh.run(commands.readOverride(), line -> { }), background);
        Map<String, CompletableFuture<Optional<Running>>> running = new LinkedHashMap<>();
        services.forEach(service -> running.put(service, CompletableFuture.supplyAsync(() -> running(service), background)));
        Map<String, ImageRef> images = resolveImages(join(config));
        readPins(join(override));
        Map<String, Running> before = new LinkedHashMap<>();
        images.keySet().forEach(service -> before.put(service, join(running.get(service)).orElse(null)));
        Map<String, String> pulled = new LinkedHashMap<>();
        images.forEach((service, image) -> pulled.put(service, pull(image)));
        for (String service : images.keySet()) {
            rollOut(service, images.get(service), before.get(service), pulled.get(service));
        }
        log("done");
    }

    /** Puts back every service this host changed, newest first; returns the units it could not restore. */
    List<String> rollBack() {
        List<String> failed = new ArrayList<>();
        try {
            readyForRollback();
        } catch (RuntimeException e) {
            log("cannot reach the host to roll back: " + e.getMessage());
            applied.forEach(a -> failed.add(host + "/" + a.service()));
            return failed;
        }
        for (int i = applied.size() - 1; i >= 0; i--) {
            Applied a = applied.get(i);
            try {
                restore(a);
                progress.record(new UnitChange(host, a.service(), a.image().toString(), a.fromImage(), a.fromDigest(), a.toDigest(),
                        ChangeStatus.ROLLED_BACK));
            } catch (RuntimeException e) {
                log("rollback of " + a.service() + " failed: " + e.getMessage());
                failed.add(host + "/" + a.service());
            }
        }
        return failed;
    }

    boolean changedAnything() {
        return !applied.isEmpty();
    }

    void close() {
        if (ssh != null) {
            ssh.close();
        }
    }

    /**
     * A rollback needs a live connection and a quiet host: it connects again, and a
     * command the deployment started that may still run there is waited for (then stopped), so the
     * rollback never races it.
     */
    private void readyForRollback() {
        Optional<Long> unfinished = ssh == null ? Optional.empty() : ssh.unfinishedCommand();
        // A fresh connection: the failure may have been the old one dying, which sshj notices only later.
        if (ssh != null) {
            ssh.close();
        }
        connect();
        logIn();
        unfinished.ifPresent(pid -> {
            log("waiting for the interrupted command (pid " + pid + ") to end before rolling back");
            ssh.run(RemoteCommand.stop(pid, UNFINISHED_WAIT_SECONDS), this::log);
        });
    }

    private void connect() {
        var s = target.ssh();
        ssh = SshHost.connect(host, s, CONNECT_TIMEOUT);
        log("connected as " + s.user() + ", host key verified");
    }

    private void logIn() {
        var registry = target.registry();
        if (registry != null) {
            require(commands.login(registry.server(), registry.username(), registryPassword), "docker login to " + registry.server());
        }
    }

    private Map<String, ImageRef> resolveImages(String configYaml) {
        Map<String, ImageRef> images = new LinkedHashMap<>();
        if (order.isRollback()) {
            Map<String, DeployOrder.Pin> hostPins = order.pins().getOrDefault(host, Map.of());
            hostPins.forEach((service, pin) -> images.put(service, ImageRef.parse(pin.image()).pinned(pin.digest())));
            return images;
        }
        ComposeFiles.Model model = ComposeFiles.parse(configYaml);
        composeVersion = model.version();
        List<String> matching = new ArrayList<>();
        for (String service : order.units()) {
            if (!model.images().containsKey(service)) {
                throw new IllegalStateException("service '" + service + "' is not in the compose files " + target.compose().effectiveFiles());
            }
            String configured = model.images().get(service);
            if (configured == null) {
                throw new IllegalStateException("service '" + service + "' has no image in the compose files; Keelson deploys images, not builds");
            }
            ImageRef ref = ImageRef.parse(configured);
            if (order.isRelease()) {
                images.put(service, released(service, ref));
                continue;
            }
            if (order.image() != null && ref.repository().equals(order.image().repository())) {
                ref = order.image();
                matching.add(service);
            }
            images.put(service, ref);
        }
        if (order.image() != null && matching.isEmpty()) {
            overrideTheOneService(images);
        }
        return images;
    }

    /** A release's image for one service: its own repository, or one the target's {@code allowedImages} name. */
    private ImageRef released(String service, ImageRef configured) {
        ImageRef image = order.release().get(service);
        if (!target.allowsImage(image.repository(), configured.repository())) {
            throw new IllegalStateException("release: image " + image + " is not allowed for " + service + ": its image comes from "
                    + configured.repository() + ", and the target's allowedImages do not name " + image.repository() + "; nothing was changed");
        }
        return image;
    }

    /**
     * An image from another repository than the service's own: only for one named service, and only
     * when the target's {@code allowedImages} lets that service run it. Refused before anything changed.
     */
    private void overrideTheOneService(Map<String, ImageRef> images) {
        if (order.units().size() != 1) {
            throw new IllegalStateException("image " + order.image() + " is not the repository of any of " + order.units()
                    + "; name the one service it is for in \"services\"");
        }
        String service = order.units().get(0);
        if (!target.allowsImage(order.image().repository(), images.get(service).repository())) {
            throw new IllegalStateException("image " + order.image() + " is not allowed for " + service + ": its image comes from "
                    + images.get(service).repository() + ", and the target's allowedImages do not name " + order.image().repository()
                    + "; nothing was changed");
        }
        images.put(service, order.image());
    }

    private void readPins(SshHost.Result current) {
        if (current.ok()) {
            ComposeFiles.Model model = ComposeFiles.parse(current.stdout());
            pins = new LinkedHashMap<>(model.images());
            if (composeVersion == null) {
                composeVersion = model.version();
            }
        } else if (composeVersion == null) {
            composeVersion = ComposeFiles.parse(require(commands.config(), "docker-compose config").stdout()).version();
        }
    }

    private void rollOut(String service, ImageRef image, Running before, String toDigest) {
        String fromDigest = before == null ? null : before.digest();
        String fromImage = before == null ? null : before.image().toString();
        boolean same = toDigest.equals(fromDigest) && before.image().repository().equals(image.repository());
        if (same && !order.force()) {
            log(service + ": already runs " + toDigest + ", left alone");
            progress.record(new UnitChange(host, service, image.toString(), fromImage, fromDigest, toDigest, ChangeStatus.UNCHANGED));
            pins.put(service, image.pinned(toDigest).toString());
            return;
        }
        log(service + ": " + (before == null ? "not running" : before.image().repository() + "@" + fromDigest) + " -> " + toDigest);
        applied.add(new Applied(service, image, before, toDigest));
        // Recorded before anything changes: a deployment cut off from here on still says what it touched.
        progress.record(new UnitChange(host, service, image.toString(), fromImage, fromDigest, toDigest, ChangeStatus.STARTED));
        Recreated result = recreate(service, image.pinned(toDigest), same);
        String now = result.now().map(Running::digest).orElse(null);
        if (result.failure().isPresent()) {
            progress.record(new UnitChange(host, service, image.toString(), fromImage, fromDigest, now, ChangeStatus.FAILED));
            throw new IllegalStateException(service + " on " + host + " failed its health gate: " + result.failure().get());
        }
        progress.record(new UnitChange(host, service, image.toString(), fromImage, fromDigest, now, ChangeStatus.SUCCEEDED));
    }

    private void restore(Applied a) {
        if (a.before() == null) {
            log(a.service() + ": was not running before, removing it");
            pins.remove(a.service());
            writePins();
            require(commands.remove(a.service()), "docker-compose rm " + a.service());
            return;
        }
        if (a.fromDigest() == null) {
            throw new IllegalStateException(a.service() + " ran " + a.before().image() + ", an image with no registry digest, which cannot be pulled back");
        }
        log(a.service() + ": restoring " + a.before().image().repository() + "@" + a.fromDigest());
        recreate(a.service(), a.before().image().pinned(a.fromDigest()), false).failure()
                .ifPresent(reason -> log(a.service() + ": restored, but " + reason));
    }

    /** Pins the service, recreates it in one compose step and waits for the health gate. */
    /** How a recreate ended: the gate's failure, if any, and what the new container runs. */
    private record Recreated(Optional<String> failure, Optional<Running> now) {
    }

    private Recreated recreate(String service, ImageRef pinned, boolean forceRecreate) {
        pins.put(service, pinned.toString());
        require(commands.pinAndUp(ComposeFiles.renderOverride(composeVersion, pins), service, forceRecreate), "docker-compose up " + service);
        var rollout = target.effectiveRollout();
        List<String> ids = containerIds(service);
        if (ids.isEmpty()) {
            return new Recreated(Optional.of("no container exists for " + service + " after up"), Optional.empty());
        }
        AtomicReference<DockerJson.Container> last = new AtomicReference<>();
        for (String id : ids) {
            HealthGate gate = new HealthGate(rollout.healthTimeout(), rollout.stableFor(), clock);
            Optional<String> failure = gate.await(() -> inspect(id).map(c -> {
                last.set(c);
                return c.state();
            }).orElse(null));
            if (failure.isPresent()) {
                return new Recreated(failure, last.get() == null ? Optional.empty() : describe(service, last.get()));
            }
        }
        log(service + ": healthy");
        return new Recreated(Optional.empty(), describe(service, last.get()));
    }

    private void writePins() {
        require(commands.writeOverride(ComposeFiles.renderOverride(composeVersion, pins)), "writing " + commands.overridePath());
    }

    private String pull(ImageRef image) {
        Optional<String> reported = DockerJson.digestInPullOutput(require(commands.pull(image), "docker pull " + image).stdout());
        if (reported.isPresent()) {
            return reported.get();
        }
        String json = require(commands.repoDigests(image.toString()), "docker image inspect " + image).stdout();
        return DockerJson.digestFor(json, image)
                .orElseThrow(() -> new IllegalStateException("pulled " + image + " but the engine records no digest for it"));
    }

    /** What the service's container runs now, read from the container itself; empty when there is none. */
    private Optional<Running> running(String service) {
        List<String> ids = containerIds(service);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        return inspect(ids.get(0)).flatMap(c -> describe(service, c));
    }

    private Optional<Running> describe(String service, DockerJson.Container c) {
        Optional<ImageRef> image = ImageRef.tryParse(c.configImage());
        if (image.isEmpty()) {
            log(service + ": its container runs '" + c.configImage() + "', which is not an image reference Keelson can restore");
            return Optional.empty();
        }
        if (image.get().digest() != null) {
            // Created from a pinned reference (Keelson's own pins): the digest is in the name.
            return Optional.of(new Running(image.get(), image.get().digest()));
        }
        SshHost.Result digests = ssh.run(commands.repoDigests(c.imageId()), this::log);
        String digest = digests.ok() ? DockerJson.digestFor(digests.stdout(), image.get()).orElse(null) : null;
        return Optional.of(new Running(image.get(), digest));
    }

    private List<String> containerIds(String service) {
        String out = require(commands.containerIds(service), "docker ps for " + service).stdout();
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private Optional<DockerJson.Container> inspect(String id) {
        SshHost.Result result = ssh.run(commands.inspectContainer(id), line -> { });
        return result.ok() ? Optional.of(DockerJson.container(result.stdout())) : Optional.empty();
    }

    private SshHost.Result require(RemoteCommand command, String what) {
        if (!command.quiet()) {
            log("$ " + command.shellText());
        }
        SshHost.Result result = ssh.run(command, this::log);
        if (!result.ok()) {
            String exit = result.exitCode() == null ? "died of a signal" : "exited " + result.exitCode();
            throw new IllegalStateException(what + " on " + host + " " + exit + (result.lastError().isEmpty() ? "" : ": " + result.lastError()));
        }
        return result;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void log(String line) {
        progress.log("[" + host + "] " + line);
    }

}
