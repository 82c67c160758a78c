package io.keelson.deploy;

import io.keelson.cluster.OwnThread;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Removes the logs of deployments that ended longer ago than {@code keelson.deploy.log-retention},
 * a batch at a time, so the database and every read of it do not grow for ever with old output. The
 * deployments themselves stay: history, digests and rollbacks never depend on a log.
 */
@ApplicationScoped
public class LogRetention {

    private static final Logger LOG = Logger.getLogger(LogRetention.class);
    /** Deployments whose logs one transaction removes. */
    private static final int BATCH = 100;

    private final DeployConfig config;
    private final Clock clock;
    private final OwnThread thread = new OwnThread("log-retention");

    public LogRetention(DeployConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "1h", delayed = "1m")
    @NonBlocking
    void scheduled() {
        thread.runUnlessBusy(this::removeExpired);
    }

    /** Removes every expired log; returns how many deployments' logs it removed. */
    public int removeExpired() {
        if (config.logRetention().isZero()) {
            return 0;
        }
        Instant before = clock.instant().minus(config.logRetention());
        int removed = 0;
        try {
            for (int batch = removeBatch(before); batch > 0; batch = removeBatch(before)) {
                removed += batch;
            }
        } catch (RuntimeException e) {
            LOG.warnf("removing expired deployment logs failed (%s); tried again in an hour", e.getMessage());
        }
        if (removed > 0) {
            LOG.infof(
                    "removed the logs of %d deployments that ended before %s (keelson.deploy.log-retention)",
                    removed, before);
        }
        return removed;
    }

    private int removeBatch(Instant before) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<String> ids = Deployment.getEntityManager()
                    .createQuery(
                            "select d.id from Deployment d where d.finishedAt < ?1 and exists"
                                    + " (select 1 from LogLine l where l.deploymentId = d.id and l.line <> ?2)",
                            String.class)
                    .setParameter(1, before)
                    .setParameter(2, REMOVED)
                    .setMaxResults(BATCH)
                    .getResultList();
            if (ids.isEmpty()) {
                return 0;
            }
            LogLine.delete("deploymentId in ?1", ids);
            Instant now = clock.instant();
            ids.forEach(id -> LogLine.append(id, now, REMOVED));
            return ids.size();
        });
    }

    /** The one line left of a removed log, so a reader knows why it is empty. */
    static final String REMOVED = "[log removed: the deployment ended longer ago than keelson.deploy.log-retention]";

    @PreDestroy
    void stop() {
        thread.close();
    }
}
