package io.keelson.cluster;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A periodic job's own thread: the scheduler only hands the job over (on its event loop, holding
 * nothing), and the job runs here, so requests that fill the shared worker pool can neither delay
 * it nor be delayed by it. A run is skipped while the previous one is still busy.
 */
public final class OwnThread {

    private final ExecutorService executor;
    private final AtomicBoolean busy = new AtomicBoolean();

    public OwnThread(String name) {
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code job} on this thread unless its previous run is still going. */
    public void runUnlessBusy(Runnable job) {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    job.run();
                } finally {
                    busy.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            busy.set(false); // shutting down
        }
    }

    public void close() {
        executor.shutdownNow();
    }
}
