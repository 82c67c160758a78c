package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.policy.DeployTimes;
import io.keelson.policy.ImageRefused;
import io.keelson.policy.OrderPolicy;
import io.keelson.policy.PolicyHolds;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategies;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * What a target's deploy policy says of a request before anything is queued: its windows and
 * freezes (an operator may override them) and the age of the digests it would run (nobody may).
 * A refused request records nothing.
 */
@ApplicationScoped
public class PolicyAdmission {

    private final OrderPolicy images;
    private final Strategies strategies;
    private final Clock clock;
    private final PolicyHolds holds;

    public PolicyAdmission(OrderPolicy images, Strategies strategies, Clock clock, PolicyHolds holds) {
        this.holds = holds;
        this.images = images;
        this.strategies = strategies;
        this.clock = clock;
    }

    /**
     * Refuses ({@code 423}) a deployment of {@code target} while its policy holds deployments (outside
     * its windows, or in a freeze), unless an operator overrides it. Nothing is recorded.
     */
    public void requireOpen(CatalogTarget target, Provenance provenance) {
        if (provenance.override() != null) {
            return;
        }
        DeployTimes.holdAt(target.spec().policy(), clock.instant()).ifPresent(hold -> {
            holds.note(target.name(), "a request was refused: " + hold.message());
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.FROZEN,
                    "target '" + target.name() + "': " + hold.message()
                            + "; nothing was queued (an operator may override with a reason)",
                    hold.retryAfterSeconds(clock.instant()));
        });
    }

    /**
     * Refuses ({@code 423}) an order that would run a digest first seen less than the policy's
     * {@code minAge} ago (no override passes it); an order that passes is pinned to the digests that
     * did. Nothing is recorded for a refused one but the sight of its digests.
     */
    DeployOrder oldEnough(CatalogTarget target, DeployOrder order) {
        try {
            return images.admit(target.spec(), strategies.of(target.spec()), order);
        } catch (ImageRefused e) {
            long retryAfter =
                    e.hold().map(h -> h.retryAfterSeconds(clock.instant())).orElse(0L);
            holds.note(target.name(), "a request was refused: " + e.getMessage());
            throw new DeploymentRefused(
                    e.hold().isPresent() ? DeploymentRefused.Kind.TOO_YOUNG : DeploymentRefused.Kind.UNAVAILABLE,
                    "target '" + target.name() + "': " + e.getMessage(),
                    retryAfter);
        } catch (IllegalStateException e) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.UNAVAILABLE,
                    "target '" + target.name() + "': the images to check against its minAge cannot be read now: "
                            + e.getMessage());
        }
    }
}
