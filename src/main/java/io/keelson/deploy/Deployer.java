package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.cluster.Leases;
import io.keelson.cluster.Replica;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.keelson.policy.DeployTimes;
import io.keelson.policy.ImageRefused;
import io.keelson.policy.OrderPolicy;
import io.keelson.policy.PolicyHold;
import io.keelson.policy.PolicyHolds;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.Strategies;
import io.keelson.strategy.Strategy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/** Runs one queued deployment, or one watch check, from start to end and records how it ended. */
@ApplicationScoped
public class Deployer {

    private static final Logger LOG = Logger.getLogger(Deployer.class);

    private final TargetCatalog catalog;
    private final Strategies strategies;
    private final Clock clock;
    private final DeploymentEnd ends;
    private final DeployConfig limits;
    private final Redactor redactor;
    private final RollbackPlanner rollbacks;
    private final Repair repairs;
    private final Leases leases;
    private final Signals signals;
    private final Replica replica;
    private final OrderPolicy images;
    private final PolicyHolds holds;
    private final QuietChecks quiet = new QuietChecks();

    public Deployer(
            TargetCatalog catalog,
            Strategies strategies,
            Clock clock,
            DeploymentEnd ends,
            DeployConfig limits,
            Redactor redactor,
            RollbackPlanner rollbacks,
            Repair repairs,
            Leases leases,
            Signals signals,
            Replica replica,
            OrderPolicy images,
            PolicyHolds holds) {
        this.images = images;
        this.holds = holds;
        this.ends = ends;
        this.signals = signals;
        this.leases = leases;
        this.replica = replica;
        this.rollbacks = rollbacks;
        this.repairs = repairs;
        this.limits = limits;
        this.redactor = redactor;
        this.catalog = catalog;
        this.strategies = strategies;
        this.clock = clock;
    }

    /** A queued deployment: mark it running, then the runbook. */
    public void run(String id) {
        Deployment d = start(id);
        if (d == null) {
            return;
        }
        DeploymentJournal journal = journal(id, d.target);
        LOG.infof("deployment %s of %s started (%s by %s)", id, d.target, d.trigger, d.requestedBy);
        Outcome outcome;
        try {
            outcome = runbook(d.target, DeployOrder.fromJson(d.request), new LeaseGuarded(journal, leases, d.target));
        } catch (IllegalStateException e) {
            outcome = Outcome.failed("the stored order of this deployment cannot be read: " + e.getMessage());
        }
        repairs.afterDeployment(d.target, id, outcome.result() == Outcome.Result.SUCCEEDED);
        ends.end(d, journal, outcome);
    }

    /**
     * A scheduled or notified check: the same runbook, but the deployment record is opened only when
     * the strategy starts changing something, so a quiet check leaves no deployment behind.
     */
    public void runCheck(String target, DeployOrder order, Provenance provenance) {
        Optional<CatalogTarget> found = catalog.find(target);
        if (found.isEmpty() || !strategies.of(found.get().spec()).followsRegistry()) {
            quiet.forget(target);
            return;
        }
        if (found.get().paused()) {
            LOG.debugf("%s: paused, not checked", target);
            return;
        }
        Optional<PolicyHold> hold = DeployTimes.holdAt(found.get().spec().policy(), clock.instant());
        if (hold.isPresent()) {
            // Said once per freeze or closed window (its message stays the same meanwhile), not at every check.
            String note = "not checked, the policy defers it: " + hold.get().message();
            holds.note(target, "a check was deferred: " + hold.get().message());
            if (quiet.fresh(target, List.of(note)).isEmpty()) {
                LOG.debugf("%s: %s", target, note);
            } else {
                LOG.infof("%s: %s", target, note);
            }
            return;
        }
        OnFirstChange progress = new OnFirstChange(() -> {
            String id = QuarkusTransaction.requiringNew()
                    .call(() -> Deployments.recordRunning(leases, target, order, provenance, clock, replica.id()));
            LOG.infof("deployment %s of %s started (%s)", id, target, provenance.trigger());
            return journal(id, target);
        });
        Outcome outcome = runbook(target, order, new LeaseGuarded(progress, leases, target));
        DeploymentJournal journal = progress.journal();
        if (journal == null && outcome.result() != Outcome.Result.SUCCEEDED) {
            repairs.afterDeployment(target, null, false);
        }
        if (journal == null) {
            List<String> notes = new ArrayList<>();
            if (outcome.error() != null) {
                notes.add("check failed, nothing changed: " + redactor.scrub(outcome.error()));
            }
            notes.addAll(progress.quietNotes(redactor::scrub));
            List<String> fresh = quiet.fresh(target, notes);
            for (String note : notes) {
                if (fresh.contains(note)) {
                    LOG.warnf("%s: %s", target, note);
                } else {
                    LOG.debugf("%s: %s (as at the last check)", target, note);
                }
            }
            if (outcome.error() == null) {
                LOG.debugf("%s: checked, nothing to update", target);
            }
            return;
        }
        quiet.forget(target);
        repairs.afterDeployment(target, journal.deploymentId(), outcome.result() == Outcome.Result.SUCCEEDED);
        QuarkusTransaction.requiringNew()
                .call(() -> Deployment.<Deployment>findByIdOptional(journal.deploymentId()))
                .ifPresentOrElse(
                        d -> ends.end(d, journal, outcome),
                        () -> LOG.errorf(
                                "%s: a check changed something, but its deployment record cannot be read to close it",
                                target));
    }

    private DeploymentJournal journal(String id, String target) {
        return new DeploymentJournal(id, target, clock, limits, redactor, () -> signals.publish(Signal.Kind.LOG, id));
    }

    /** The one runbook for every trigger: repair what a cut-off run left, plan a rollback now, hand the order to the strategy. */
    private Outcome runbook(String targetName, DeployOrder order, Progress progress) {
        try {
            Optional<CatalogTarget> target = catalog.find(targetName);
            if (target.isEmpty()) {
                return Outcome.failed(
                        "target '" + targetName + "' was removed from the catalog before this deployment ran");
            }
            TargetSpec spec = target.get().spec();
            redactor.learn(spec); // it may have been created through another replica
            Strategy strategy = strategies.of(spec);
            repairs.beforeDeployment(targetName);
            if (order.stop()) {
                return strategy.stop(spec, progress);
            }
            Set<String> refused = strategy.followsRegistry() ? refusedDigests(targetName) : Set.of();
            if (order.rollback()) {
                String toDeployment = order.toDeployment();
                try {
                    order = order.planned(
                            QuarkusTransaction.requiringNew().call(() -> rollbacks.pinsFor(targetName, toDeployment)));
                } catch (DeploymentRefused e) {
                    return Outcome.failed("nothing to roll back to: " + e.getMessage());
                }
                progress.log("rollback plan: " + order.pins());
            }
            try {
                order = images.verified(spec, strategy, order);
            } catch (ImageRefused | IllegalStateException | IllegalArgumentException e) {
                return Outcome.failed(e.getMessage() + " (checked before any host was changed)");
            }
            return strategy.deploy(spec, order.withRefused(refused), progress);
        } catch (RuntimeException e) {
            LOG.errorf(e, "a deployment of %s crashed", targetName);
            return Outcome.failed("unexpected error: " + e.getMessage());
        }
    }

    /** {@code unit@digest} of every change of this target that failed or was rolled back: not to be tried again by the watcher. */
    private static Set<String> refusedDigests(String target) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Set<String> refused = new HashSet<>();
            for (DeploymentChange c : DeploymentChange.failedOf(target)) {
                if (c.toDigest != null && (c.status == ChangeStatus.FAILED || c.status == ChangeStatus.ROLLED_BACK)) {
                    refused.add(c.unit + "@" + c.toDigest);
                }
            }
            return refused;
        });
    }

    /**
     * Marks a queued deployment running, only if it is still queued and this replica still holds
     * its lane with the fence it runs under (recorded with it); null otherwise.
     */
    private Deployment start(String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Deployment d = Deployment.<Deployment>findByIdOptional(id).orElse(null);
            if (d == null || d.status != Status.QUEUED) {
                return null;
            }
            long fence = leases.fence(d.target);
            int started = Deployment.update(
                    "status = ?1, startedAt = ?2, runBy = ?3, fence = ?4 where id = ?5 and status = ?6"
                            + " and exists (select 1 from Lane l where l.target = ?7 and l.holder = ?3 and l.fence = ?4)",
                    Status.RUNNING,
                    clock.instant(),
                    replica.id(),
                    fence,
                    id,
                    Status.QUEUED,
                    d.target);
            if (started != 1) {
                return null;
            }
            Deployment.getEntityManager().refresh(d);
            return d;
        });
    }
}
