package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.strategy.RepairReport;
import io.keelson.strategy.Strategies;
import io.keelson.strategy.Strategy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** Brings the units of a target back to running after a replacement was cut off, and says so. */
@ApplicationScoped
public class Repair {

    private static final Logger LOG = Logger.getLogger(Repair.class);

    private final TargetCatalog catalog;
    private final Strategies strategies;
    private final Clock clock;
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();

    public Repair(TargetCatalog catalog, Strategies strategies, Clock clock) {
        this.catalog = catalog;
        this.strategies = strategies;
        this.clock = clock;
    }

    /** Target → the newest ended deployment after which its units are known to need no repair. */
    private final Map<String, String> cleanAfter = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Lets the target's strategy finish what cut-off replacements left (old containers still set
     * aside), deciding each unit from the record of the deployment that made its new container, and
     * notes each repair in Keelson's log and in the target's newest deployment. Runs on the target's
     * lane, at start, before each deployment, and again soon after a repair that did not finish.
     *
     * @return whether it finished (false: something could not be repaired, or not looked at, now)
     */
    public boolean repair(String target) {
        String newest = newestFinished(target);
        boolean complete = attempt(target);
        if (complete) {
            retries.remove(target);
            cleanAfter.put(target, newest);
        } else {
            cleanAfter.remove(target);
            retries.merge(target, Retry.first(clock.instant()), (earlier, first) -> earlier.next(clock.instant()));
        }
        return complete;
    }

    /**
     * Before a deployment: repairs unless this replica knows the units are as the newest ended
     * deployment left them: it repaired them completely, or ran that deployment itself and it
     * SUCCEEDED (a failed or cut-off one may leave work for the repair). A deployment another
     * replica ran since makes the newest ended one another: the repair runs. This saves each
     * deployment a connection to every host of its target.
     */
    public void beforeDeployment(String target) {
        String known = cleanAfter.get(target);
        if (known == null || !known.equals(newestFinished(target))) {
            repair(target);
        }
    }

    /** After a deployment this replica ran: the units are known as it left them only when it SUCCEEDED. */
    public void afterDeployment(String target, String deploymentId, boolean succeeded) {
        if (succeeded && deploymentId != null) {
            cleanAfter.put(target, deploymentId);
        } else if (!succeeded) {
            cleanAfter.remove(target);
        }
    }

    private static String newestFinished(String target) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.newestFinishedId(target))
                .orElse("");
    }

    /** Targets whose last repair did not finish and whose next try is due. */
    public Set<String> due() {
        Instant now = clock.instant();
        return retries.entrySet().stream()
                .filter(e -> !e.getValue().at().isAfter(now))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** When a repair that did not finish is tried again: soon, then less and less often. */
    record Retry(Instant at, Duration backoff) {
        static final Duration FIRST = Duration.ofSeconds(5);
        static final Duration MOST = Duration.ofMinutes(5);

        static Retry first(Instant now) {
            return new Retry(now.plus(FIRST), FIRST);
        }

        Retry next(Instant now) {
            Duration longer = backoff.multipliedBy(2).compareTo(MOST) > 0 ? MOST : backoff.multipliedBy(2);
            return new Retry(now.plus(longer), longer);
        }
    }

    private boolean attempt(String target) {
        Optional<CatalogTarget> found = catalog.find(target);
        if (found.isEmpty()) {
            return true;
        }
        Strategy strategy = strategies.of(found.get().spec());
        RepairReport report;
        try {
            report = strategy.repair(found.get().spec(), Repair::recordedAsPassed);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "%s: could not look for containers left set aside (tried again shortly): %s",
                    target, e.getMessage());
            return false;
        }
        if (report.lines().isEmpty()) {
            return report.complete();
        }
        Optional<Deployment> newest = QuarkusTransaction.requiringNew()
                .call(() -> Deployment.history(target, 1).stream().findFirst());
        for (String line : report.lines()) {
            LOG.warnf("%s: repair: %s", target, line);
            newest.ifPresent(d -> {
                try {
                    QuarkusTransaction.requiringNew()
                            .run(() -> LogLine.append(d.id, clock.instant(), "repair: " + line));
                } catch (RuntimeException e) {
                    LOG.warnf("%s: the repair could not be noted in deployment %s: %s", target, d.id, e.getMessage());
                }
            });
        }
        return report.complete();
    }

    private static boolean recordedAsPassed(String containerId, String host, String unit) {
        return QuarkusTransaction.requiringNew().call(() -> DeploymentChange.passedWith(containerId, host, unit));
    }
}
