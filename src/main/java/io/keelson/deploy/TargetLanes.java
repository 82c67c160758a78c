package io.keelson.deploy;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One FIFO lane per target: work for a target runs one item at a time, in the order it was handed
 * in; different targets run in parallel. The API, rollbacks and (later) the watcher share the lanes.
 */
@ApplicationScoped
public class TargetLanes {

    private final ConcurrentHashMap<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    /** Hold this while recording and enqueuing, so the queue order is the recording order. */
    public Object lock(String target) {
        return locks.computeIfAbsent(target, t -> new Object());
    }

    public void enqueue(String target, Runnable work) {
        lanes.computeIfAbsent(target, TargetLanes::newLane).execute(work);
    }

    @PreDestroy
    void stop() {
        lanes.values().forEach(ExecutorService::shutdownNow);
        lanes.values().forEach(lane -> {
            try {
                lane.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** One worker at most, which ends after a minute idle: a target with nothing to do costs no thread. */
    private static ExecutorService newLane(String target) {
        return new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "lane-" + target);
            thread.setDaemon(true);
            return thread;
        });
    }
}
