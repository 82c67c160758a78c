package io.keelson.environment;

import io.keelson.cluster.OwnThread;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.Status;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The periodic look at every environment, on every replica (each step is taken once, whoever looks
 * first): ends those whose time is up, and settles the rest, so a Keelson that was down when an
 * environment expired, or was killed while ending one, finishes the work at its next look.
 */
@ApplicationScoped
public class EnvironmentExpiry {

    private static final Logger LOG = Logger.getLogger(EnvironmentExpiry.class);
    /** Environments looked at in one pass; more wait for the next one. */
    private static final int PER_PASS = 500;

    private final EnvironmentEnds ends;
    private final Deployments deployments;
    private final Clock clock;
    private final OwnThread thread = new OwnThread("environment-expiry");

    public EnvironmentExpiry(EnvironmentEnds ends, Deployments deployments, Clock clock) {
        this.ends = ends;
        this.deployments = deployments;
        this.clock = clock;
    }

    @Scheduled(every = "${keelson.environments.check-interval:10s}", delayed = "1s")
    @NonBlocking
    void scheduled() {
        thread.runUnlessBusy(this::pass);
    }

    void stop(@Observes ShutdownEvent event) {
        thread.close();
    }

    /** One look: every expired environment ended, every end and every cut-off creation settled. */
    public void pass() {
        try {
            List<String> expired = QuarkusTransaction.requiringNew()
                    .call(() -> Environment.expiredAt(clock.instant(), PER_PASS).stream()
                            .map(env -> env.target)
                            .toList());
            expired.forEach(this::expire);
            List<String> stopping = QuarkusTransaction.requiringNew()
                    .call(() -> Environment.stopping(PER_PASS).stream()
                            .map(env -> env.target)
                            .toList());
            stopping.forEach(this::settle);
            // An active one needs settling only when a crash cut its newest deployment off: one light read each.
            List<String> active = QuarkusTransaction.requiringNew()
                    .call(() -> Environment.active(PER_PASS).stream()
                            .map(env -> env.target)
                            .toList());
            active.stream()
                    .filter(name -> deployments
                            .latest(name)
                            .map(d -> d.status() == Status.INTERRUPTED)
                            .orElse(false))
                    .forEach(this::settle);
        } catch (RuntimeException e) {
            LOG.warnf(e, "environments: the periodic look failed; it runs again");
        }
    }

    private void expire(String name) {
        try {
            ends.expireIfDue(name);
        } catch (RuntimeException e) {
            LOG.warnf(e, "environment %s: could not be ended now; tried again at the next look", name);
        }
    }

    private void settle(String name) {
        try {
            ends.settle(name);
        } catch (RuntimeException e) {
            LOG.warnf(e, "environment %s: could not be settled now; tried again at the next look", name);
        }
    }
}
