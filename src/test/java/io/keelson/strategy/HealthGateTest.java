package io.keelson.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthGateTest {

    private static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");
    private final HealthGate gate = new HealthGate(Duration.ofSeconds(60), Duration.ofSeconds(5), Clock.systemUTC());

    private static ContainerState running(String startedAt, int restarts) {
        return new ContainerState("running", true, false, 0, null, startedAt, restarts, false);
    }

    @Test
    void aContainerWithoutHealthcheckPassesAfterStayingUpForStableFor() {
        assertThat(gate.observe(running("a", 0), T0)).isEqualTo(HealthGate.Verdict.WAIT);
        assertThat(gate.observe(running("a", 0), T0.plusSeconds(4))).isEqualTo(HealthGate.Verdict.WAIT);
        assertThat(gate.observe(running("a", 0), T0.plusSeconds(5))).isEqualTo(HealthGate.Verdict.PASS);
    }

    @Test
    void aRestartStartsTheStableWindowAgain() {
        gate.observe(running("a", 0), T0);
        assertThat(gate.observe(running("b", 1), T0.plusSeconds(4))).isEqualTo(HealthGate.Verdict.WAIT);
        assertThat(gate.observe(running("b", 1), T0.plusSeconds(6))).isEqualTo(HealthGate.Verdict.WAIT);
        assertThat(gate.observe(running("b", 1), T0.plusSeconds(11))).isEqualTo(HealthGate.Verdict.PASS);
    }

    @Test
    void aHealthcheckDecides() {
        ContainerState starting = new ContainerState("running", true, false, 0, "starting", "a", 0, false);
        ContainerState healthy = new ContainerState("running", true, false, 0, "healthy", "a", 0, false);
        ContainerState unhealthy = new ContainerState("running", true, false, 0, "unhealthy", "a", 0, false);
        assertThat(gate.observe(starting, T0.plusSeconds(30))).isEqualTo(HealthGate.Verdict.WAIT);
        assertThat(gate.observe(healthy, T0.plusSeconds(31))).isEqualTo(HealthGate.Verdict.PASS);
        assertThat(new HealthGate(Duration.ofSeconds(60), Duration.ZERO, Clock.systemUTC()).observe(unhealthy, T0))
                .isEqualTo(HealthGate.Verdict.FAIL);
    }

    @Test
    void anExitedContainerWithoutRestartPolicyFailsAtOnce() {
        ContainerState exited = new ContainerState("exited", false, false, 3, null, "a", 0, true);
        assertThat(gate.observe(exited, T0)).isEqualTo(HealthGate.Verdict.FAIL);
    }

    @Test
    void aGoneContainerFails() {
        assertThat(gate.observe(null, T0)).isEqualTo(HealthGate.Verdict.FAIL);
    }

    @Test
    void theGateGivesUpAtItsTimeout() {
        HealthGate quick = new HealthGate(Duration.ofMillis(300), Duration.ofSeconds(5), Clock.systemUTC());
        ContainerState restarting = new ContainerState("restarting", false, true, 1, null, "a", 3, false);
        assertThat(quick.await(() -> restarting))
                .hasValueSatisfying(reason -> assertThat(reason).contains("not healthy within"));
    }
}
