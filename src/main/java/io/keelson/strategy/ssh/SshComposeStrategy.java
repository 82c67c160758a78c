package io.keelson.strategy.ssh;

import io.keelson.catalog.RegistrySpec;
import io.keelson.catalog.RolloutSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.Strategy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deploys a docker-compose project over SSH, host after host ({@code hostsAtOnce} at a time). When a
 * host fails, no further host is touched; with {@code onFailure: rollback} every host already
 * changed, the failed one included, goes back to the digests it ran before.
 */
@ApplicationScoped
public class SshComposeStrategy implements Strategy {

    private static final int READ_THREADS = 16;

    private final Clock clock;
    /**
     * Runs the independent reads of host deployments side by side: at most {@link #READ_THREADS} at
     * once across all targets (each also waits for one of its connection's few SSH sessions), so
     * a target with many services queues its reads instead of starting a thread per service.
     * Threads end when idle.
     */
    private final ExecutorService reads = boundedPool(READ_THREADS, "ssh-compose-read");

    public SshComposeStrategy(Clock clock) {
        this.clock = clock;
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
    public List<String> endpoints(TargetSpec target) {
        return SshHost.endpoints(target.ssh());
    }

    @Override
    public Optional<String> unreachable(TargetSpec target, String endpoint) {
        return SshHost.unreachable(endpoint);
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
        List<HostDeploy> touched = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(rollout.hostsAtOnce());
        try {
            List<String> hosts = target.ssh().hosts();
            for (int start = 0; start < hosts.size(); start += rollout.hostsAtOnce()) {
                List<HostDeploy> batch = new ArrayList<>();
                for (String host : hosts.subList(start, Math.min(hosts.size(), start + rollout.hostsAtOnce()))) {
                    batch.add(new HostDeploy(host, target, order, progress, clock, password, reads));
                }
                touched.addAll(batch);
                String failure = runBatch(batch, pool);
                if (failure != null) {
                    return fail(failure, touched, rollout, progress);
                }
            }
            return Outcome.succeeded();
        } finally {
            pool.shutdownNow();
            touched.forEach(HostDeploy::close);
        }
    }

    private Outcome fail(String failure, List<HostDeploy> touched, RolloutSpec rollout, Progress progress) {
        if (touched.stream().noneMatch(HostDeploy::changedAnything)) {
            return Outcome.failed(failure);
        }
        if (rollout.onFailure() == RolloutSpec.OnFailure.STOP) {
            progress.log("onFailure is stop: leaving everything as it is now");
            return Outcome.failed(failure);
        }
        progress.log("rolling back every service this deployment changed");
        List<String> notRestored = new ArrayList<>();
        for (HostDeploy host : touched) {
            notRestored.addAll(host.rollBack());
        }
        if (!notRestored.isEmpty()) {
            return Outcome.failed(failure + "; the rollback also failed for " + String.join(", ", notRestored));
        }
        return Outcome.rolledBack(failure);
    }

    /** Runs the hosts of one batch in parallel; returns the first failure, or null. */
    private static String runBatch(List<HostDeploy> batch, ExecutorService pool) {
        List<Future<?>> running = new ArrayList<>();
        for (HostDeploy host : batch) {
            running.add(pool.submit(host::run));
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                failures.add(cause.getMessage() == null ? cause.toString() : cause.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add("interrupted while deploying " + batch.get(i).host());
            }
        }
        return failures.isEmpty() ? null : String.join("; ", failures);
    }

    private static ExecutorService boundedPool(int threads, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
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
}
