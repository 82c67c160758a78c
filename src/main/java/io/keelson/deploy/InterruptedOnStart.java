package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.strategy.ChangeStatus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Closes the deployments a previous run of Keelson left open: a running one is INTERRUPTED with
 * what it had done kept; a queued one never started and is INTERRUPTED too, so it can be asked again.
 */
@ApplicationScoped
public class InterruptedOnStart {

    private static final Logger LOG = Logger.getLogger(InterruptedOnStart.class);

    private final Clock clock;
    private final TargetCatalog catalog;
    private final TargetLanes lanes;
    private final Repair repairs;

    public InterruptedOnStart(Clock clock, TargetCatalog catalog, TargetLanes lanes, Repair repairs) {
        this.clock = clock;
        this.catalog = catalog;
        this.lanes = lanes;
        this.repairs = repairs;
    }

    @Transactional
    void onStart(@Observes StartupEvent event) {
        markInterrupted();
    }

    /**
     * After the catalog is loaded (a later priority): every target's hosts or engine are searched for
     * containers a cut-off replacement left set aside, on the target's own lane, so no check races it.
     */
    void repairAtStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        for (CatalogTarget target : catalog.list()) {
            lanes.enqueue(target.name(), () -> repairs.repair(target.name()));
        }
    }

    /** Marks every unfinished deployment INTERRUPTED; returns how many there were. */
    @Transactional
    public int markInterrupted() {
        int count = 0;
        for (Deployment d : Deployment.unfinished()) {
            String what = d.status == Status.RUNNING
                    ? "Keelson stopped while this deployment was running; its changes so far are recorded, check the units before deploying again"
                    : "Keelson stopped before this deployment started; nothing was changed, ask for it again";
            for (DeploymentChange c : DeploymentChange.of(d.id)) {
                if (c.status == ChangeStatus.STARTED) {
                    c.status = ChangeStatus.FAILED; // touched, and never seen to pass its gate
                }
            }
            d.status = Status.INTERRUPTED;
            d.finishedAt = clock.instant();
            d.error = what;
            LogLine line = new LogLine();
            line.deploymentId = d.id;
            line.loggedAt = d.finishedAt;
            line.line = "deployment INTERRUPTED: " + what;
            line.persist();
            LOG.warnf("deployment %s of %s marked INTERRUPTED", d.id, d.target);
            count++;
        }
        return count;
    }
}
