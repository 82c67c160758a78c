package io.keelson.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The log pages this replica reads at once: each may hold a megabyte of text while it is built, so
 * a flood of parallel reads waits its turn (briefly) or is told to come back, instead of filling
 * the heap.
 */
@ApplicationScoped
public class LogReads {

    /** How long a read waits for its turn before it is answered 429. */
    private static final long WAIT_SECONDS = 2;

    private final Semaphore permits;
    private final int max;

    public LogReads(ReadConfig config) {
        this.max = config.maxLogReads();
        this.permits = new Semaphore(max, true);
    }

    public <T> T read(Supplier<T> read) {
        try {
            if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw ApiException.tooMany(
                        "this replica is already reading " + max + " logs at once; try again in a moment",
                        (int) WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.tooMany("interrupted while waiting to read the log; try again", (int) WAIT_SECONDS);
        }
        try {
            return read.get();
        } finally {
            permits.release();
        }
    }
}
