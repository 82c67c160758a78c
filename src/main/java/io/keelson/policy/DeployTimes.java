package io.keelson.policy;

import io.keelson.catalog.DeployWindow;
import io.keelson.catalog.PolicySpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a target's policy lets a deployment run: inside one of its windows (any time, without
 * windows) and in none of its freezes. The same answer for an API request and a watch check; a
 * rollback never asks (it puts back what ran before).
 */
public final class DeployTimes {

    /** Freezes and windows that chain further than this are answered with the last time found. */
    private static final int MAX_STEPS = 50;

    private DeployTimes() {}

    /** Why the policy holds deployments at {@code now}; empty when they may run. */
    public static Optional<PolicyHold> holdAt(PolicySpec policy, Instant now) {
        if (policy == null) {
            return Optional.empty();
        }
        List<DeployWindow> windows = policy.deployWindows();
        Optional<PolicySpec.FreezeSpec> freeze = freezeAt(policy, now);
        if (freeze.isPresent()) {
            return Optional.of(new PolicyHold(
                    "deployments are frozen until " + freeze.get().end() + ": "
                            + freeze.get().reason(),
                    nextFree(policy, windows, now)));
        }
        if (!windows.isEmpty() && windows.stream().noneMatch(w -> w.contains(now))) {
            Instant next = nextFree(policy, windows, now);
            return Optional.of(new PolicyHold(
                    "outside the deploy windows " + policy.windows()
                            + (next == null ? "" : "; the next opens at " + next),
                    next));
        }
        return Optional.empty();
    }

    /** The first time at or after {@code now} that is in a window and in no freeze; null if none is found. */
    private static Instant nextFree(PolicySpec policy, List<DeployWindow> windows, Instant now) {
        Instant at = now;
        for (int step = 0; step < MAX_STEPS; step++) {
            Optional<PolicySpec.FreezeSpec> freeze = freezeAt(policy, at);
            if (freeze.isPresent()) {
                at = freeze.get().end();
                continue;
            }
            if (windows.isEmpty()) {
                return at;
            }
            Instant from = at;
            Optional<Instant> opening = windows.stream()
                    .map(w -> w.nextOpening(from))
                    .flatMap(Optional::stream)
                    .min(Instant::compareTo);
            if (opening.isEmpty()) {
                return null;
            }
            if (opening.get().equals(at)) {
                return at;
            }
            at = opening.get();
        }
        return at;
    }

    private static Optional<PolicySpec.FreezeSpec> freezeAt(PolicySpec policy, Instant now) {
        return policy.freezeList().stream()
                .filter(f -> !now.isBefore(f.start()) && now.isBefore(f.end()))
                .max(java.util.Comparator.comparing(PolicySpec.FreezeSpec::end));
    }
}
