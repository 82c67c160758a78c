package io.keelson.strategy;

import io.keelson.catalog.RolloutSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Rolls a deployment over a target's hosts the way every SSH strategy does: in the catalog's order,
 * {@code hostsAtOnce} at a time. When a host fails, no further host is touched; with {@code
 * onFailure: rollback} every host already changed, the failed one included, is put back.
 */
public final class HostRollout {

    /** One host's part of a deployment. */
    public interface HostRun extends AutoCloseable {

        String host();

        /** Deploys on this host; throws with the reason at the first step that fails. */
        void run();

        /** Whether this host has changes of this deployment to put back. */
        boolean changedAnything();

        /** Whether a unit failed here and the host already put itself back. */
        default boolean restoredItself() {
            return false;
        }

        /** Puts back what this host changed, newest first; returns the units it could not restore. */
        List<String> rollBack();

        @Override
        void close();
    }

    private HostRollout() {}

    /**
     * @param start this deployment's part on one host; null when the host has nothing to do
     * @param units what the rollback line calls the units ("service", "container")
     */
    public static Outcome run(
            List<String> hosts, Function<String, HostRun> start, RolloutSpec rollout, Progress progress, String units) {
        List<HostRun> touched = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(rollout.hostsAtOnce());
        try {
            for (int first = 0; first < hosts.size(); first += rollout.hostsAtOnce()) {
                List<HostRun> batch = new ArrayList<>();
                for (String host : hosts.subList(first, Math.min(hosts.size(), first + rollout.hostsAtOnce()))) {
                    HostRun run = start.apply(host);
                    if (run != null) {
                        batch.add(run);
                    }
                }
                touched.addAll(batch);
                String failure = runBatch(batch, pool);
                if (failure != null) {
                    return fail(failure, touched, rollout, progress, units);
                }
            }
            return Outcome.succeeded();
        } finally {
            pool.shutdownNow();
            touched.forEach(HostRun::close);
        }
    }

    private static Outcome fail(
            String failure, List<HostRun> touched, RolloutSpec rollout, Progress progress, String units) {
        boolean restored = touched.stream().anyMatch(HostRun::restoredItself);
        if (touched.stream().noneMatch(HostRun::changedAnything)) {
            return restored ? Outcome.rolledBack(failure) : Outcome.failed(failure);
        }
        if (rollout.onFailure() == RolloutSpec.OnFailure.STOP) {
            progress.log("onFailure is stop: leaving everything as it is now");
            return Outcome.failed(failure);
        }
        progress.log("rolling back every " + units + " this deployment changed");
        List<String> notRestored = new ArrayList<>();
        for (HostRun host : touched) {
            notRestored.addAll(host.rollBack());
        }
        if (!notRestored.isEmpty()) {
            return Outcome.failed(failure + "; the rollback also failed for " + String.join(", ", notRestored));
        }
        return Outcome.rolledBack(failure);
    }

    /** Runs the hosts of one batch in parallel; returns their failures joined, or null. */
    private static String runBatch(List<HostRun> batch, ExecutorService pool) {
        List<Future<?>> running = new ArrayList<>();
        for (HostRun host : batch) {
            running.add(pool.submit(host::run));
        }
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
}
