package io.keelson.api;

import io.keelson.deploy.DeploymentLogs;
import io.keelson.deploy.DeploymentWaits;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live log followers that cost no thread while they wait: a follower reads the lines written since
 * its last read on a small pool of its own, then waits on the deployment's log-growth signal (a
 * future, not a thread) before it reads again. They are counted per replica and per token, so a
 * caller with a read token cannot hold the worker pool, the schedules or the lease renewal hostage.
 */
@ApplicationScoped
public class LogFollowers {

    /** A follower reads again when told the log grew, or after this long in any case (a lost signal). */
    private static final Duration RECHECK = Duration.ofSeconds(5);
    /** Text one read hands a follower at most; it reads again at once for the rest. */
    private static final int READ_BYTES = 256 * 1024;
    /** Past the bound, when to try again: followers end with their deployments, so soon. */
    static final int RETRY_AFTER_SECONDS = 10;

    private final DeploymentLogs deployments;
    private final DeploymentWaits waits;
    private final ReadConfig config;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perToken = new ConcurrentHashMap<>();
    private final ExecutorService readers = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "log-follower-read");
        thread.setDaemon(true);
        return thread;
    });

    public LogFollowers(DeploymentLogs deployments, DeploymentWaits waits, ReadConfig config) {
        this.deployments = deployments;
        this.waits = waits;
        this.config = config;
    }

    /**
     * The log so far, then each line as it is written, ending when the deployment does. Refused
     * (429) when this replica or this token already has as many followers as it may.
     */
    public Multi<String> follow(String id, String token) {
        Runnable release = admit(token);
        AtomicInteger sent = new AtomicInteger();
        return Multi.createBy()
                .repeating()
                .completionStage(() -> next(id, sent))
                .until(Batch::isEnd)
                .onItem()
                .transformToIterable(Batch::lines)
                .onTermination()
                .invoke(release);
    }

    /** How many followers are open on this replica now. */
    public int open() {
        return open.get();
    }

    private Runnable admit(String token) {
        AtomicInteger mine = perToken.computeIfAbsent(token, t -> new AtomicInteger());
        if (open.incrementAndGet() > config.maxFollowers()) {
            open.decrementAndGet();
            throw tooMany("this replica already streams " + config.maxFollowers() + " live logs (the most it may)");
        }
        if (mine.incrementAndGet() > config.maxFollowersPerToken()) {
            mine.decrementAndGet();
            open.decrementAndGet();
            throw tooMany("token '" + token + "' already follows " + config.maxFollowersPerToken()
                    + " live logs (the most one token may)");
        }
        AtomicInteger once = new AtomicInteger();
        return () -> {
            if (once.getAndIncrement() == 0) {
                mine.decrementAndGet();
                open.decrementAndGet();
            }
        };
    }

    private static ApiException tooMany(String why) {
        return ApiException.tooMany(
                why + "; close a follower or read the log as text (GET …/log), and try again later",
                RETRY_AFTER_SECONDS);
    }

    /** The next lines, once there are some, or the end; no thread waits in between. */
    private CompletableFuture<Batch> next(String id, AtomicInteger sent) {
        // Asked for before reading, so a line written in between completes it.
        CompletableFuture<Void> grown = waits.logGrowth(id, RECHECK);
        return CompletableFuture.supplyAsync(() -> deployments.logAfter(id, sent.get(), READ_BYTES), readers)
                .thenCompose(chunk -> {
                    if (!chunk.lines().isEmpty()) {
                        sent.addAndGet(chunk.lines().size());
                        return CompletableFuture.completedFuture(new Batch(chunk.lines()));
                    }
                    if (chunk.ended()) {
                        return CompletableFuture.completedFuture(Batch.END);
                    }
                    return grown.thenCompose(ignored -> next(id, sent));
                });
    }

    /** Lines to send, or the end of the stream. */
    private record Batch(List<String> lines) {
        static final Batch END = new Batch(List.of());

        boolean isEnd() {
            return this == END;
        }
    }

    @PreDestroy
    void stop() {
        readers.shutdownNow();
    }
}
