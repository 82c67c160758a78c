package io.keelson.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * Why a target's policy holds its deployments now, and until when.
 *
 * @param message what a refused request and the watcher's log say, the same while the hold lasts
 * @param until when a deployment may run again; null when no window ever opens
 */
public record PolicyHold(String message, Instant until) {

    /** Whole seconds from {@code now} to {@link #until}, at least 1 (what {@code Retry-After} says). */
    public long retryAfterSeconds(Instant now) {
        if (until == null) {
            return 24 * 3600;
        }
        long millis = Duration.between(now, until).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
