package io.keelson.strategy.compose;

import io.keelson.catalog.RegistrySpec;
import io.keelson.catalog.RolloutSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.EdgeSettings;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.HostRollout;
import io.keelson.strategy.LaneLost;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.RecordedGates;
import io.keelson.strategy.RepairReport;
import io.keelson.strategy.ssh.OverSsh;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deploys a docker-compose project over SSH, host after host ({@code hostsAtOnce} at a time). When a
 * host fails, no further host is touched; with {@code onFailure: rollback} every host already
 * changed, the failed one included, goes back to the digests it ran before.
 */
@ApplicationScoped
public class SshComposeStrategy implements OverSsh {

    private static final int READ_THREADS = 16;

    private final Clock clock;
    /**
     * Runs the independent reads of host deployments side by side: at most {@link #READ_THREADS} at
     * once across all targets (each also waits for one of its connection's few SSH sessions), so
     * a target with many services queues its reads instead of starting a thread per service.
     * Threads end when idle.
     */
    private final ExecutorService reads = boundedPool(READ_THREADS, "ssh-compose-read");

    private final EdgeSettings edge;

    public SshComposeStrategy(Clock clock, EdgeSettings edge) {
        this.clock = clock;
        this.edge = edge;
    }

    @Override
    public String name() {
        return TargetSpec.SSH_COMPOSE;
    }

    @Override
    public List<String> units(TargetSpec target) {
        return target.compose().services();
    }

    @Override
    public Outcome deploy(TargetSpec target, DeployOrder order, Progress progress) {
        RolloutSpec rollout = target.effectiveRollout();
        String password;
        try {
            password = registryPassword(target.registry());
        } catch (IllegalStateException e) {
            return Outcome.failed(e.getMessage());
        }
        if (password != null) {
            progress.redact(password);
        }
        return HostRollout.run(
                target.ssh().hosts(),
                host -> new HostDeploy(host, target, order, progress, clock, password, reads, edge.image()),
                rollout,
                progress,
                "service");
    }

    /** Read from the compose files on the first host (a read only: nothing is pulled or changed). */
    @Override
    public Optional<Map<String, ImageRef>> plannedImages(TargetSpec target, DeployOrder order) {
        return Optional.of(ComposeImages.planned(target, order));
    }

    /**
     * Removes an environment's project from every host, one after the other; a host that fails does
     * not keep the others from being cleaned, and the outcome names everything that is left.
     */
    @Override
    public Outcome stop(TargetSpec target, Progress progress) {
        List<String> left = new ArrayList<>();
        for (String host : target.ssh().hosts()) {
            try {
                left.addAll(new ProjectRemoval(host, target, progress).run());
            } catch (LaneLost e) {
                throw e;
            } catch (RuntimeException e) {
                progress.log("[" + host + "] " + e.getMessage());
                left.add(host + ": unknown: " + e.getMessage());
            }
        }
        return left.isEmpty() ? Outcome.succeeded() : Outcome.failed("not removed: " + String.join("; ", left));
    }

    private static ExecutorService boundedPool(int threads, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static String registryPassword(RegistrySpec registry) {
        return registry == null ? null : registry.password().read().orElse(null);
    }

    /** Ends on each host the handovers a crash cut off (see {@link ComposeEdgeRepair}); other units need none. */
    @Override
    public RepairReport repair(TargetSpec target, RecordedGates gates) {
        RepairReport done = RepairReport.NOTHING;
        if (target.handover() == null) {
            return done;
        }
        for (String host : target.ssh().hosts()) {
            try {
                done = done.and(ComposeEdgeRepair.repair(target, host));
            } catch (RuntimeException e) {
                done = done.and(new RepairReport(
                        List.of("[" + host + "] the edge could not be checked now: " + e.getMessage()), false));
            }
        }
        return done;
    }
}
