package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.Strategies;
import io.keelson.strategy.Strategy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/** Brings the units of a target back to running after a replacement was cut off, and says so. */
@ApplicationScoped
public class Repair {

    private static final Logger LOG = Logger.getLogger(Repair.class);

    private final TargetCatalog catalog;
    private final Strategies strategies;
    private final Clock clock;

    public Repair(TargetCatalog catalog, Strategies strategies, Clock clock) {
        this.catalog = catalog;
        this.strategies = strategies;
        this.clock = clock;
    }

    /**
     * Lets the target's strategy finish what cut-off replacements left (old containers still set
     * aside), and notes each repair in Keelson's log and in the target's newest deployment, which is
     * the interrupted one after a crash. Runs on the target's lane, before each deployment and at start.
     */
    public void repair(String target) {
        Optional<CatalogTarget> found = catalog.find(target);
        if (found.isEmpty()) {
            return;
        }
        Strategy strategy = strategies.of(found.get().spec());
        Optional<Deployment> newest = QuarkusTransaction.requiringNew()
                .call(() -> Deployment.history(target, 1).stream().findFirst());
        Set<String> passed = new HashSet<>();
        newest.ifPresent(d -> QuarkusTransaction.requiringNew()
                .run(() -> DeploymentChange.of(d.id).stream()
                        .filter(c -> c.status == ChangeStatus.SUCCEEDED)
                        .forEach(c -> passed.add(c.unit))));
        List<String> repaired;
        try {
            repaired = strategy.repair(found.get().spec(), passed);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "%s: could not look for containers left set aside (tried again before the next deployment): %s",
                    target, e.getMessage());
            return;
        }
        for (String line : repaired) {
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
    }
}
