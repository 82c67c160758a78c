package io.keelson.deploy;

import io.keelson.cluster.Replica;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.keelson.strategy.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Records how a deployment ended: its last log lines, its status (fenced: only by the replica that
 * still holds its lane), its metrics, the signal its waiters wait on and the event notifications
 * go out on. Apart from {@link Deployer}, which runs it, because the end has its own rules: it is
 * written even while the database is refusing writes for a while, and never over a taker's status.
 */
@ApplicationScoped
class DeploymentEnd {

    private static final Logger LOG = Logger.getLogger(DeploymentEnd.class);
    private static final int FINISH_ATTEMPTS = 8;

    private final MeterRegistry meters;
    private final Clock clock;
    private final Event<DeploymentEnded> ended;
    private final Signals signals;
    private final Replica replica;

    DeploymentEnd(MeterRegistry meters, Clock clock, Event<DeploymentEnded> ended, Signals signals, Replica replica) {
        this.meters = meters;
        this.clock = clock;
        this.ended = ended;
        this.signals = signals;
        this.replica = replica;
    }

    void end(Deployment d, DeploymentJournal journal, Outcome outcome) {
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
