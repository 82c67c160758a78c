package io.keelson.policy;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last time each target's policy held something back, and why: a request refused ({@code 423}),
 * a watch check deferred, a digest too young or badly signed. A refused request records no
 * deployment, so this is what the target page shows of it. Kept in memory by the replica that saw
 * it; gone at a restart.
 */
@ApplicationScoped
public class PolicyHolds {

    /** When and why. */
    public record Held(Instant at, String message) {}

    /** Targets remembered at most; past it the memory starts over (it is a hint, not a record). */
    private static final int MAX_TARGETS = 10_000;

    private final Map<String, Held> last = new ConcurrentHashMap<>();
    private final Clock clock;

    public PolicyHolds(Clock clock) {
        this.clock = clock;
    }

    public void note(String target, String message) {
        if (last.size() >= MAX_TARGETS && !last.containsKey(target)) {
            last.clear();
        }
        last.put(target, new Held(clock.instant(), message));
    }

    public Optional<Held> last(String target) {
        return Optional.ofNullable(last.get(target));
    }
}
