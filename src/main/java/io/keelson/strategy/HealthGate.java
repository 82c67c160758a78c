package io.keelson.strategy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides when a freshly started container may be trusted: healthy when it has a healthcheck,
 * otherwise running without a restart for {@code stableFor}; never longer than {@code timeout}.
 * The rule is shared by both strategies so "healthy" means the same everywhere.
 */
public final class HealthGate {

    /** One observation's verdict. */
    public enum Verdict {
        WAIT,
        PASS,
        FAIL
    }

    private static final Duration POLL = Duration.ofMillis(250);

    private final Duration timeout;
    private final Duration stableFor;
    private final Clock clock;

    private ContainerState first;
    private Instant stableSince;
    private String reason = "";

    public HealthGate(Duration timeout, Duration stableFor, Clock clock) {
        this.timeout = timeout;
        this.stableFor = stableFor;
        this.clock = clock;
    }

    /**
     * Polls {@code probe} until the container passes or fails; returns the failure, if any.
     * A probe that answers null means the container is gone.
     */
    public Optional<String> await(Supplier<ContainerState> probe) {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            ContainerState state = probe.get();
            Verdict verdict = observe(state, clock.instant());
            if (verdict == Verdict.PASS) {
                return Optional.empty();
            }
            if (verdict == Verdict.FAIL) {
                return Optional.of(reason);
            }
            if (!clock.instant().isBefore(deadline)) {
                return Optional.of(
                        "not healthy within " + timeout.toSeconds() + "s (last state: " + state.describe() + ")");
            }
            sleep();
        }
    }

    /** Folds one observation into the gate; pure, so the rule is tested without containers. */
    public Verdict observe(ContainerState state, Instant now) {
        if (state == null) {
            reason = "the container is gone";
            return Verdict.FAIL;
        }
        if (first == null) {
            first = state;
        }
        if (!state.running() && !state.restarting() && (state.restartPolicyNone() || "dead".equals(state.status()))) {
            reason = "the container exited (" + state.describe() + ")";
            return Verdict.FAIL;
        }
        if (state.health() != null) {
            if ("healthy".equals(state.health()) && state.running()) {
                return Verdict.PASS;
            }
            if ("unhealthy".equals(state.health())) {
                reason = "the container is unhealthy (" + state.describe() + ")";
                return Verdict.FAIL;
            }
            return Verdict.WAIT;
        }
        boolean restartedSinceFirst = state.restartCount() != first.restartCount()
                || !String.valueOf(state.startedAt()).equals(String.valueOf(first.startedAt()));
        if (!state.running() || state.restarting() || restartedSinceFirst) {
            // A restart loop never counts as stable: start the window again from this container start.
            first = state;
            stableSince = null;
            reason = "the container is restarting (" + state.describe() + ")";
            return Verdict.WAIT;
        }
        if (stableSince == null) {
            stableSince = now;
        }
        return Duration.between(stableSince, now).compareTo(stableFor) >= 0 ? Verdict.PASS : Verdict.WAIT;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the health gate", e);
        }
    }
}
