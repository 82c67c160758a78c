package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.ssh.SshComposeStrategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Runs one queued deployment from start to end and records how it ended. */
@ApplicationScoped
public class Deployer {

    private static final Logger LOG = Logger.getLogger(Deployer.class);

    private final TargetCatalog catalog;
    private final SshComposeStrategy sshCompose;
    private final MeterRegistry meters;
    private final Clock clock;

    public Deployer(TargetCatalog catalog, SshComposeStrategy sshCompose, MeterRegistry meters, Clock clock) {
        this.catalog = catalog;
        this.sshCompose = sshCompose;
        this.meters = meters;
        this.clock = clock;
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
            outcome = Outcome.failed("unexpected error: " + e);
        }
        Status status = switch (outcome.result()) {
            case SUCCEEDED -> Status.SUCCEEDED;
            case FAILED -> Status.FAILED;
            case ROLLED_BACK -> Status.ROLLED_BACK;
        };
        if (outcome.error() != null) {
            journal.log("error: " + outcome.error());
        }
        journal.log("deployment " + status);
        finish(id, status, outcome.error());
        LOG.infof("deployment %s of %s ended %s", id, d.target, status);
        record(d, status);
    }

    private Outcome execute(Deployment d, DeploymentJournal journal) {
        Optional<CatalogTarget> target = catalog.find(d.target);
        if (target.isEmpty()) {
            return Outcome.failed("target '" + d.target + "' was removed from the catalog before this deployment ran");
        }
        if (!target.get().spec().isSshCompose()) {
            return Outcome.failed("the " + target.get().spec().strategy() + " strategy is not available in this version of Keelson");
        }
        return sshCompose.deploy(target.get().spec(), StoredOrder.fromJson(d.request).toOrder(), journal);
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
