package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Strategy;
import io.keelson.strategy.ssh.SshComposeStrategy;
import io.keelson.strategy.watch.WatchPlan;
import io.keelson.strategy.watch.WatchStrategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Duration;
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
    private final SshComposeStrategy sshCompose;
    private final WatchStrategy watch;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Event<DeploymentEnded> ended;

    public Deployer(TargetCatalog catalog, SshComposeStrategy sshCompose, WatchStrategy watch, MeterRegistry meters, Clock clock,
                    Event<DeploymentEnded> ended) {
        this.catalog = catalog;
        this.sshCompose = sshCompose;
        this.watch = watch;
        this.meters = meters;
        this.clock = clock;
        this.ended = ended;
    }

    /** The runbook: mark running, hand the order to the target's strategy, record the end. */
    public void run(String id) {
        Deployment d = start(id);
        if (d == null) {
            return;
        }
        DeploymentJournal journal = new DeploymentJournal(id, d.target, clock);
        LOG.infof("deployment %s of %s started (%s by %s)", id, d.target, d.trigger, d.requestedBy);
        Outcome outcome;
        try {
            outcome = execute(d, journal);
        } catch (RuntimeException e) {
            LOG.errorf(e, "deployment %s of %s crashed", id, d.target);
            outcome = Outcome.failed("unexpected error: " + e.getMessage());
        }
        end(d, journal, outcome);
    }

    /**
     * One scheduled or notified check of a watch target. Nothing is recorded unless something
     * would change: a quiet cycle leaves no deployment behind, only a log line when it skipped something.
     */
    public void runWatchCycle(String target, Trigger trigger, List<ImageRef> images, String requestedBy) {
        Optional<CatalogTarget> found = catalog.find(target);
        if (found.isEmpty() || !found.get().spec().isWatch()) {
            return;
        }
        if (found.get().paused()) {
            LOG.debugf("watch %s: paused, not checked", target);
            return;
        }
        TargetSpec spec = found.get().spec();
        WatchPlan plan;
        try {
            plan = watch.plan(spec, images, refusedDigests(target));
        } catch (RuntimeException e) {
            LOG.warnf("watch %s: check failed, nothing changed: %s", target, e.getMessage());
            return;
        }
        if (plan.isEmpty()) {
            plan.notes().forEach(note -> LOG.warnf("watch %s: %s", target, note));
            return;
        }
        String id = QuarkusTransaction.requiringNew().call(() -> Deployments.recordRunning(target, trigger, requestedBy, clock));
        Deployment d = QuarkusTransaction.requiringNew().call(() -> Deployment.<Deployment>findById(id));
        DeploymentJournal journal = new DeploymentJournal(id, target, clock);
        LOG.infof("deployment %s of %s started (%s)", id, target, trigger);
        plan.notes().forEach(journal::log);
        Outcome outcome;
        try {
            outcome = watch.apply(spec, plan, journal);
        } catch (RuntimeException e) {
            LOG.errorf(e, "deployment %s of %s crashed", id, target);
            outcome = Outcome.failed("unexpected error: " + e.getMessage());
        }
        end(d, journal, outcome);
    }

    private Outcome execute(Deployment d, DeploymentJournal journal) {
        Optional<CatalogTarget> target = catalog.find(d.target);
        if (target.isEmpty()) {
            return Outcome.failed("target '" + d.target + "' was removed from the catalog before this deployment ran");
        }
        TargetSpec spec = target.get().spec();
        Strategy strategy = spec.isSshCompose() ? sshCompose : watch;
        Set<String> refused = spec.isWatch() ? refusedDigests(d.target) : Set.of();
        return strategy.deploy(spec, StoredOrder.fromJson(d.request).toOrder(refused), journal);
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
        if (outcome.error() != null) {
            journal.log("error: " + outcome.error());
        }
        journal.log("deployment " + status);
        finish(d.id, status, outcome.error());
        LOG.infof("deployment %s of %s ended %s", d.id, d.target, status);
        record(d, status);
        QuarkusTransaction.requiringNew().call(() -> Deployment.byId(d.id).map(DeploymentView::of))
                .ifPresent(view -> ended.fireAsync(new DeploymentEnded(view)));
    }

    private Deployment start(String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Deployment d = Deployment.<Deployment>findByIdOptional(id).orElse(null);
            if (d == null || d.status != Status.QUEUED) {
                return null;
            }
            d.status = Status.RUNNING;
            d.startedAt = clock.instant();
            return d;
        });
    }

    private void finish(String id, Status status, String error) {
        QuarkusTransaction.requiringNew().run(() -> {
            Deployment d = Deployment.<Deployment>findById(id);
            d.status = status;
            d.finishedAt = clock.instant();
            d.error = error == null ? null : truncate(error);
        });
    }

    private void record(Deployment d, Status status) {
        meters.counter("keelson.deployments", "target", d.target, "trigger", d.trigger.name(), "status", status.name()).increment();
        Timer.builder("keelson.deployment.duration").tag("target", d.target).tag("status", status.name())
                .register(meters).record(Duration.between(d.startedAt, clock.instant()));
    }

    private static String truncate(String error) {
        return error.length() > 4000 ? error.substring(0, 3999) + "…" : error;
    }
}
