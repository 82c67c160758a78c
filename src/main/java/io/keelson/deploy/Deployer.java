package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.cluster.Leases;
import io.keelson.cluster.Replica;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import io.keelson.strategy.Strategies;
import io.keelson.strategy.Strategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Duration;
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
    private static final int FINISH_ATTEMPTS = 8;

    private final TargetCatalog catalog;
    private final Strategies strategies;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Event<DeploymentEnded> ended;
    private final DeployConfig limits;
    private final Redactor redactor;
    private final RollbackPlanner rollbacks;
    private final Repair repairs;
    private final Leases leases;
    private final Signals signals;
    private final Replica replica;
    private final QuietChecks quiet = new QuietChecks();

    public Deployer(
            TargetCatalog catalog,
            Strategies strategies,
            MeterRegistry meters,
            Clock clock,
            Event<DeploymentEnded> ended,
            DeployConfig limits,
            Redactor redactor,
            RollbackPlanner rollbacks,
            Repair repairs,
            Leases leases,
            Signals signals,
            Replica replica) {
        this.leases = leases;
        this.signals = signals;
        this.replica = replica;
        this.rollbacks = rollbacks;
        this.repairs = repairs;
        this.limits = limits;
        this.redactor = redactor;
        this.catalog = catalog;
        this.strategies = strategies;
        this.meters = meters;
        this.clock = clock;
        this.ended = ended;
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
        end(d, journal, outcome);
    }

    /**
     * A scheduled or notified check: the same runbook, but the deployment record is opened only when
     * the strategy starts changing something, so a quiet check leaves no deployment behind.
     */
    public void runCheck(String target, Trigger trigger, List<ImageRef> images, String requestedBy) {
        Optional<CatalogTarget> found = catalog.find(target);
        if (found.isEmpty() || !strategies.of(found.get().spec()).followsRegistry()) {
            quiet.forget(target);
            return;
        }
        if (found.get().paused()) {
            LOG.debugf("%s: paused, not checked", target);
            return;
        }
        DeployOrder order = DeployOrder.check(images);
        OnFirstChange progress = new OnFirstChange(() -> {
            String id = QuarkusTransaction.requiringNew()
                    .call(() -> Deployments.recordRunning(
                            leases, target, order, Provenance.of(trigger, requestedBy), clock, replica.id()));
            LOG.infof("deployment %s of %s started (%s)", id, target, trigger);
            return journal(id, target);
        });
        Outcome outcome = runbook(target, order, new LeaseGuarded(progress, leases, target));
        DeploymentJournal journal = progress.journal();
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
        QuarkusTransaction.requiringNew()
                .call(() -> Deployment.<Deployment>findByIdOptional(journal.deploymentId()))
                .ifPresentOrElse(
                        d -> end(d, journal, outcome),
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
            repairs.repair(targetName);
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

    private void end(Deployment d, DeploymentJournal journal, Outcome outcome) {
        Status status = switch (outcome.result()) {
            case SUCCEEDED -> Status.SUCCEEDED;
            case FAILED -> Status.FAILED;
            case ROLLED_BACK -> Status.ROLLED_BACK;
        };
        journal.close();
        if (outcome.error() != null) {
            journal.log("error: " + outcome.error());
        }
        journal.log("deployment " + status);
        finish(d.id, status, outcome.error() == null ? null : journal.scrub(outcome.error()));
        LOG.infof("deployment %s of %s ended %s", d.id, d.target, status);
        record(d, status);
        signals.publish(Signal.Kind.ENDED, d.id);
        try {
            QuarkusTransaction.requiringNew()
                    .call(() -> Deployment.byId(d.id).map(DeploymentView::of))
                    .ifPresent(view -> ended.fireAsync(new DeploymentEnded(view)));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "deployment %s ended %s; it could not be read back to notify anyone: %s",
                    d.id, status, e.getMessage());
        }
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

    /**
     * Records the end, only while this replica still holds the lane with the deployment's fence: a
     * replica that lost its lease meanwhile must not write over what the taker recorded. The hosts
     * are already in their final state, so a database that refuses the write is asked again for a
     * while; if it never answers, the next start marks the deployment INTERRUPTED, with the log lines
     * and changes that did get in.
     */
    private void finish(String id, Status status, String error) {
        for (int attempt = 1; ; attempt++) {
            try {
                int written = QuarkusTransaction.requiringNew()
                        .call(() -> Deployment.getEntityManager()
                                .createQuery(
                                        "update Deployment d set d.status = ?1, d.finishedAt = ?2, d.error = ?3"
                                                + " where d.id = ?4 and d.status = ?5 and d.runBy = ?6 and exists (select 1"
                                                + " from Lane l where l.target = d.target and l.holder = ?6 and l.fence = d.fence)")
                                .setParameter(1, status)
                                .setParameter(2, clock.instant())
                                .setParameter(3, error == null ? null : truncate(error))
                                .setParameter(4, id)
                                .setParameter(5, Status.RUNNING)
                                .setParameter(6, replica.id())
                                .executeUpdate());
                if (written != 1) {
                    LOG.errorf(
                            "deployment %s ended %s on this replica, but it no longer holds the lane (its lease ran"
                                    + " out and another replica took it); the status that replica recorded stays",
                            id, status);
                }
                return;
            } catch (RuntimeException e) {
                if (attempt == FINISH_ATTEMPTS) {
                    LOG.errorf(
                            "deployment %s ended %s but the database refused to record it: %s",
                            id, status, e.getMessage());
                    return;
                }
                LOG.warnf("deployment %s ended %s; recording it failed (%s), trying again", id, status, e.getMessage());
                pause(Duration.ofSeconds(attempt));
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void record(Deployment d, Status status) {
        meters.counter("keelson.deployments", "target", d.target, "trigger", d.trigger.name(), "status", status.name())
                .increment();
        Timer.builder("keelson.deployment.duration")
                .tag("target", d.target)
                .tag("status", status.name())
                .register(meters)
                .record(Duration.between(d.startedAt, clock.instant()));
    }

    private static String truncate(String error) {
        return error.length() > 4000 ? error.substring(0, 3999) + "…" : error;
    }
}
