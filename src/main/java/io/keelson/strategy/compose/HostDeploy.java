package io.keelson.strategy.compose;

import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.HostRollout;
import io.keelson.strategy.Progress;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.RemoteProcess;
import io.keelson.strategy.ssh.SshHost;
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

/**
 * One deployment on one host: connect, log in, pull while the old containers serve, pin by digest,
 * recreate what changed one service at a time behind the health gate. It keeps what it changed so
 * the whole deployment can put it back.
 */
final class HostDeploy implements HostRollout.HostRun {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final String host;
    private final TargetSpec target;
    private final DeployOrder order;
    private final Progress progress;
    private final Clock clock;
    private final String registryPassword;
    private final ComposeCommands commands;
    private final Executor background;
    private final List<AppliedService> applied = new ArrayList<>();
    private SshHost ssh;
    private final OverridePins pins = new OverridePins();
    private final String edgeImage;
    private ComposeHandover handovers;
    private boolean restoredItself;

    HostDeploy(
            String host,
            TargetSpec target,
            DeployOrder order,
            Progress progress,
            Clock clock,
            String registryPassword,
            Executor background,
            String edgeImage) {
        this.edgeImage = edgeImage;
        this.host = host;
        this.background = background;
        this.target = target;
        this.order = order;
        this.progress = progress;
        this.clock = clock;
        this.registryPassword = registryPassword;
        this.commands = new ComposeCommands(target.compose(), target.ssh().usesSudo());
    }

    @Override
    public String host() {
        return host;
    }

    /** The runbook for this host; throws with the reason at the first step that fails. */
    @Override
    public void run() {
        if (order.isRollback() && !order.pins().containsKey(host)) {
            log("nothing to restore on this host");
            return;
        }
        log("deploying " + String.join(", ", order.units()) + (order.isRollback() ? " (rollback)" : ""));
        connect(true);
        ProjectFolders.make(ssh, order.folder(), target.compose().projectDir(), progress::guard, this::log);
        EarlierCommands.awaitMarked(ssh, target.compose().projectDir(), this::log);
        logIn();
        handovers().readRoutes(background);
        // Independent reads, each its own SSH channel: compose's Python start-up dominates, so overlap them.
        List<String> services =
                order.isRollback() ? List.copyOf(order.pins().get(host).keySet()) : order.units();
        CompletableFuture<String> config = order.isRollback()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(
                        () -> require(commands.config(), "docker-compose config")
                                .stdout(),
                        background);
        CompletableFuture<SshHost.Result> override =
                CompletableFuture.supplyAsync(() -> ssh.run(commands.readOverride(), line -> {}), background);
        Map<String, CompletableFuture<Optional<ServiceContainers.Running>>> running = new LinkedHashMap<>();
        services.forEach(service -> running.put(
                service, CompletableFuture.supplyAsync(() -> containers().running(service), background)));
        Map<String, ImageRef> images = ComposeImages.resolve(order, host, target, pins, join(config));
        ProjectFolders.startCompanions(order, join(config), commands, progress::guard, this::require);
        pins.readFrom(
                join(override),
                () -> require(commands.config(), "docker-compose config").stdout());
        Map<String, ServiceContainers.Running> before = new LinkedHashMap<>();
        images.keySet()
                .forEach(service ->
                        before.put(service, join(running.get(service)).orElse(null)));
        Map<String, String> pulled = new LinkedHashMap<>();
        images.forEach((service, image) -> pulled.put(service, containers().pull(image)));
        for (String service : images.keySet()) {
            rollOut(service, images.get(service), before.get(service), pulled.get(service));
        }
        log("done");
    }

    /** Puts back every service this host changed, newest first; returns the units it could not restore. */
    @Override
    public List<String> rollBack() {
        List<String> failed = new ArrayList<>();
        try {
            readyForRollback();
        } catch (RuntimeException e) {
            log("cannot reach the host to roll back: " + e.getMessage());
            applied.forEach(a -> failed.add(host + "/" + a.service()));
            return failed;
        }
        for (int i = applied.size() - 1; i >= 0; i--) {
            AppliedService a = applied.get(i);
            try {
                restore(a);
                progress.record(a.as(host, a.toDigest(), ChangeStatus.ROLLED_BACK));
            } catch (RuntimeException e) {
                log("rollback of " + a.service() + " failed: " + e.getMessage());
                failed.add(host + "/" + a.service());
            }
        }
        return failed;
    }

    @Override
    public boolean changedAnything() {
        return !applied.isEmpty();
    }

    @Override
    public boolean restoredItself() {
        return restoredItself;
    }

    /** The services this host serves through its edge, on the current connection (a rollback connects again). */
    private ComposeHandover handovers() {
        if (handovers == null || !handovers.on(ssh)) {
            if (handovers != null) {
                handovers.close();
            }
            handovers =
                    new ComposeHandover(ssh, target, commands, edgeImage, progress, clock, this::require, this::log);
        }
        return handovers;
    }

    @Override
    public void close() {
        if (handovers != null) {
            handovers.close();
        }
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
        Optional<RemoteProcess> unfinished = ssh == null ? Optional.empty() : ssh.unfinishedCommand();
        // A fresh connection, not a kept one: the failure may have been the old one dying, which sshj
        // notices only later, and a kept one to this host may be going the same way.
        if (ssh != null) {
            ssh.discard();
        }
        connect(false);
        logIn();
        unfinished.ifPresent(process -> EarlierCommands.await(ssh, process, this::log));
        EarlierCommands.awaitMarked(ssh, target.compose().projectDir(), this::log);
    }

    private void connect(boolean mayReuse) {
        var s = target.ssh();
        ssh = mayReuse ? SshHost.connect(host, s, CONNECT_TIMEOUT) : SshHost.connectAfresh(host, s, CONNECT_TIMEOUT);
        log("connected as " + s.user() + ", " + ssh.howConnected());
    }

    private void logIn() {
        var registry = target.registry();
        if (registry != null) {
            require(
                    commands.login(registry.server(), registry.username(), registryPassword),
                    "docker login to " + registry.server());
        }
    }

    private void rollOut(String service, ImageRef image, ServiceContainers.Running before, String toDigest) {
        AppliedService change = new AppliedService(service, image, before, toDigest);
        boolean same = toDigest.equals(change.fromDigest())
                && before.image().repository().equals(image.repository());
        if (same && !order.force() && !handovers().portsMove(service, containers())) {
            log(service + ": already runs " + toDigest + ", left alone");
            progress.record(change.as(host, toDigest, ChangeStatus.UNCHANGED));
            pins.pin(service, image.pinned(toDigest).toString());
            return;
        }
        log(service + ": " + (before == null ? "not running" : before.image().repository() + "@" + change.fromDigest())
                + " -> " + toDigest);
        applied.add(change);
        // Recorded before anything changes: a deployment cut off from here on still says what it touched.
        progress.record(change.as(host, toDigest, ChangeStatus.STARTED));
        ServiceContainers.Gated result = recreate(service, image.pinned(toDigest), same);
        String now = result.now().map(ServiceContainers.Running::digest).orElse(null);
        if (result.failure().isPresent()) {
            // Through the edge the old copy never stopped serving and is pinned again: nothing to roll back.
            boolean kept = handovers().handsOver(service);
            if (kept) {
                applied.remove(change);
                restoredItself = true;
            }
            progress.record(change.as(
                    host, kept ? change.fromDigest() : now, kept ? ChangeStatus.ROLLED_BACK : ChangeStatus.FAILED));
            throw new IllegalStateException(service + " on " + host + " failed its health gate: "
                    + result.failure().get() + (kept ? "; the old copy kept serving" : ""));
        }
        progress.record(change.as(host, now, ChangeStatus.SUCCEEDED));
    }

    private void restore(AppliedService a) {
        progress.guard();
        if (a.before() == null) {
            log(a.service() + ": was not running before, removing it");
            pins.unpin(a.service());
            require(commands.writeOverride(pins.render()), "writing " + commands.overridePath());
            require(commands.remove(a.service()), "docker-compose rm " + a.service());
            return;
        }
        if (a.fromDigest() == null) {
            throw new IllegalStateException(a.service() + " ran " + a.before().image()
                    + ", an image with no registry digest, which cannot be pulled back");
        }
        log(a.service() + ": restoring " + a.before().image().repository() + "@" + a.fromDigest());
        recreate(a.service(), a.before().image().pinned(a.fromDigest()), false)
                .failure()
                .ifPresent(reason -> log(a.service() + ": restored, but " + reason));
    }

    /** Pins the service, recreates it in one compose step (through the edge when handed over) and gates it. */
    private ServiceContainers.Gated recreate(String service, ImageRef pinned, boolean forceRecreate) {
        if (handovers().handsOver(service)) {
            return handovers().roll(service, pinned, pins, containers());
        }
        progress.guard();
        pins.pin(service, pinned.toString());
        require(commands.pinAndUp(pins.render(), service, forceRecreate), "docker-compose up " + service);
        ServiceContainers.Gated result = containers().awaitGate(service, target.effectiveRollout(), clock);
        if (result.failure().isEmpty()) {
            log(service + ": healthy");
        }
        return result;
    }

    /** Reads on the current connection (a rollback connects again). */
    private ServiceContainers containers() {
        return new ServiceContainers(ssh, commands, this::require, this::log);
    }

    private SshHost.Result require(RemoteCommand command, String what) {
        if (!command.quiet()) {
            log("$ " + command.shellText());
        }
        SshHost.Result result = ssh.run(command, this::log);
        if (!result.ok()) {
            String exit = result.exitCode() == null ? "died of a signal" : "exited " + result.exitCode();
            throw new IllegalStateException(what + " on " + host + " " + exit
                    + (result.lastError().isEmpty() ? "" : ": " + result.lastError()));
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
