package io.keelson.deploy;

import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.keelson.strategy.ChangeStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Closes deployments whose runner is gone: a Keelson that crashed or was stopped mid-deployment.
 * It is called only by whoever holds the target's lane (or, at start, on a database no other
 * process can open), so a deployment a live replica is running is never closed here.
 */
@ApplicationScoped
public class AbandonedDeployments {

    private static final Logger LOG = Logger.getLogger(AbandonedDeployments.class);
    static final String WHAT =
            "Keelson stopped while this deployment was running; its changes so far are recorded, check the units before deploying again";

    private final Clock clock;
    private final Signals signals;
    private final Event<DeploymentEnded> ended;

    public AbandonedDeployments(Clock clock, Signals signals, Event<DeploymentEnded> ended) {
        this.clock = clock;
        this.signals = signals;
        this.ended = ended;
    }

    /** Marks the target's RUNNING deployments INTERRUPTED; the caller holds its lane. Returns how many. */
    public int close(String target) {
        return announce(QuarkusTransaction.requiringNew()
                .call(() -> interrupt(Deployment.list("target = ?1 and status = ?2", target, Status.RUNNING))));
    }

    /** Marks every RUNNING deployment INTERRUPTED: only where this process is the database's only user. */
    public int closeAll() {
        return announce(
                QuarkusTransaction.requiringNew().call(() -> interrupt(Deployment.list("status", Status.RUNNING))));
    }

    private List<DeploymentView> interrupt(List<Deployment> running) {
        List<DeploymentView> closed = new ArrayList<>();
        for (Deployment d : running) {
            for (DeploymentChange c : DeploymentChange.of(d.id)) {
                if (c.status == ChangeStatus.STARTED) {
                    c.status = ChangeStatus.FAILED; // touched, and never seen to pass its gate
                }
            }
            d.status = Status.INTERRUPTED;
            d.finishedAt = clock.instant();
            d.error = WHAT;
            LogLine line = new LogLine();
            line.deploymentId = d.id;
            line.loggedAt = d.finishedAt;
            line.line = "deployment INTERRUPTED: " + WHAT;
            line.persist();
            LOG.warnf("deployment %s of %s marked INTERRUPTED (run by %s)", d.id, d.target, d.runBy);
            closed.add(DeploymentView.of(d));
        }
        return closed;
    }

    private int announce(List<DeploymentView> closed) {
        for (DeploymentView view : closed) {
            signals.publish(Signal.Kind.ENDED, view.id());
            ended.fireAsync(new DeploymentEnded(view));
        }
        return closed.size();
    }
}
