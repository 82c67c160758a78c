package io.keelson.deploy;

import io.keelson.cluster.OwnThread;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Callers waiting on a deployment that may run on any replica: {@code ?wait=true} for its end, a
 * log follower for its next lines. They hold no thread and poll nothing: the replica running the
 * deployment signals its end and its log writes, and a slow periodic recheck covers lost signals.
 */
@ApplicationScoped
public class DeploymentWaits {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> endings = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Void>> logWaits = new ConcurrentHashMap<>();
    private final OwnThread rechecks = new OwnThread("wait-recheck");

    public DeploymentWaits(Signals signals) {
        signals.listen(this::onSignal);
    }

    /**
     * Completes when the deployment ends (at once if it has): a caller waits on it without holding
     * a thread, so a hundred pipelines waiting with {@code ?wait=true} cost no worker threads.
     */
    public CompletableFuture<Void> ending(String id) {
        CompletableFuture<Void> ending = endings.computeIfAbsent(id, k -> new CompletableFuture<>());
        // Registered first, then read: an end that came in between is seen here, a later one is signalled.
        if (hasEnded(id)) {
            endings.remove(id, ending);
            ending.complete(null);
        }
        return ending;
    }

    /**
     * Completes when the deployment's log may have grown or it ended (whichever replica runs it), or
     * after {@code limit}: a follower reads again then, instead of polling the database in a loop.
     */
    public CompletableFuture<Void> logGrowth(String id, Duration limit) {
        return logWaits.computeIfAbsent(id, k -> new CompletableFuture<>())
                .completeOnTimeout(null, limit.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> logWaits.remove(id));
    }

    private void onSignal(Signal signal) {
        switch (signal.kind()) {
            case ENDED -> {
                complete(endings, signal.subject());
                complete(logWaits, signal.subject());
            }
            case LOG -> complete(logWaits, signal.subject());
            case RESYNC -> {
                endings.keySet().forEach(this::recheck);
                logWaits.keySet().forEach(id -> complete(logWaits, id));
            }
            default -> {}
        }
    }

    /**
     * The safety net under the signals: a waiter whose deployment ended while notifications were
     * lost is answered by this, at the latest one sweep period late.
     */
    @Scheduled(every = "${keelson.cluster.sweep-every}")
    @NonBlocking
    void scheduledRecheck() {
        rechecks.runUnlessBusy(this::recheckWaiters);
    }

    @PreDestroy
    void stop() {
        rechecks.close();
    }

    void recheckWaiters() {
        if (endings.isEmpty()) {
            return;
        }
        List<String> waiting = List.copyOf(endings.keySet());
        try {
            QuarkusTransaction.requiringNew()
                    .call(() -> Deployment.endedAmong(waiting))
                    .forEach(id -> complete(endings, id));
        } catch (RuntimeException e) {
            // the database is out of reach; the next period tries again
        }
    }

    private void recheck(String id) {
        try {
            if (hasEnded(id)) {
                complete(endings, id);
            }
        } catch (RuntimeException e) {
            // the periodic recheck answers it later
        }
    }

    private static void complete(ConcurrentHashMap<String, CompletableFuture<Void>> waits, String id) {
        CompletableFuture<Void> wait = waits.remove(id);
        if (wait != null) {
            wait.complete(null);
        }
    }

    private static boolean hasEnded(String id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.byId(id).map(d -> d.status.isFinal()).orElse(true));
    }
}
