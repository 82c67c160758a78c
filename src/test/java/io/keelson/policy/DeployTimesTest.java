package io.keelson.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.catalog.PolicySpec;
import io.keelson.catalog.PolicySpec.FreezeSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeployTimesTest {

    private static final Instant MONDAY_NOON = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void withoutWindowsOrFreezesNothingIsHeld() {
        assertThat(DeployTimes.holdAt(null, MONDAY_NOON)).isEmpty();
        assertThat(DeployTimes.holdAt(new PolicySpec(null, null, null, null), MONDAY_NOON))
                .isEmpty();
    }

    @Test
    void aFreezeHoldsUntilItEndsWithItsReason() {
        PolicySpec policy = new PolicySpec(
                null,
                null,
                null,
                List.of(new FreezeSpec("2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z", "release party")));

        PolicyHold hold = DeployTimes.holdAt(policy, MONDAY_NOON).orElseThrow();

        assertThat(hold.message()).contains("frozen", "release party");
        assertThat(hold.until()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
        assertThat(hold.retryAfterSeconds(MONDAY_NOON)).isEqualTo(12 * 3600);
        assertThat(DeployTimes.holdAt(policy, Instant.parse("2026-12-08T00:00:00Z")))
                .as("the end is excluded")
                .isEmpty();
    }

    @Test
    void outsideTheWindowsTheHoldLastsUntilTheNextOpeningAfterAnyFreeze() {
        PolicySpec windows = new PolicySpec(null, null, List.of("Mon-Fri 08:00-18:00 UTC"), null);
        assertThat(DeployTimes.holdAt(windows, MONDAY_NOON)).isEmpty();
        assertThat(DeployTimes.holdAt(windows, Instant.parse("2026-12-07T19:00:00Z"))
                        .orElseThrow()
                        .until())
                .isEqualTo(Instant.parse("2026-12-08T08:00:00Z"));

        PolicySpec both = new PolicySpec(
                null,
                null,
                List.of("Mon-Fri 08:00-18:00 UTC"),
                List.of(new FreezeSpec("2026-12-07T00:00:00Z", "2026-12-09T09:00:00+01:00", "audit")));
        assertThat(DeployTimes.holdAt(both, MONDAY_NOON).orElseThrow().until())
                .as("the freeze ends Wednesday 08:00 UTC, inside Wednesday's window")
                .isEqualTo(Instant.parse("2026-12-09T08:00:00Z"));
    }
}
