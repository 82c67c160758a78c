package io.keelson.deploy;

import io.keelson.catalog.CatalogChanged;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.WatchSpec;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps one scheduler job per watch target, following the catalog: an {@code interval}
 * (Watchtower's {@code --interval}) or a cron {@code schedule}, started after a random delay so
 * targets do not all ask their registries at once. A job only hands a check to the target's lane.
 */
@ApplicationScoped
public class WatchScheduler {

    private static final Logger LOG = Logger.getLogger(WatchScheduler.class);

    private final Scheduler scheduler;
    private final TargetCatalog catalog;
    private final Deployments deployments;
    private final Map<String, String> jobs = new ConcurrentHashMap<>();

    public WatchScheduler(Scheduler scheduler, TargetCatalog catalog, Deployments deployments) {
        this.scheduler = scheduler;
        this.catalog = catalog;
        this.deployments = deployments;
    }

    void onStart(@Observes StartupEvent event) {
        sync();
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) CatalogChanged event) {
        sync();
    }

    /** Schedules what is new or changed, unschedules what went away. */
    synchronized void sync() {
        List<CatalogTarget> watched =
                catalog.list().stream().filter(t -> t.spec().isWatch()).toList();
        Set<String> names = watched.stream().map(CatalogTarget::name).collect(Collectors.toSet());
        for (String name : Set.copyOf(jobs.keySet())) {
            if (!names.contains(name)) {
                scheduler.unscheduleJob(jobs.remove(name));
                LOG.infof("watch %s: unscheduled", name);
            }
        }
        for (CatalogTarget target : watched) {
            WatchSpec watch = target.spec().effectiveWatch();
            String when = watch.schedule() != null
                    ? "cron " + watch.schedule()
                    : "every " + watch.interval().toSeconds() + "s";
            String identity = "watch:" + target.name() + ":" + when;
            String current = jobs.get(target.name());
            if (identity.equals(current)) {
                continue;
            }
            if (current != null) {
                scheduler.unscheduleJob(current);
            }
            var job = scheduler
                    .newJob(identity)
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> deployments.requestCycle(target.name(), Trigger.WATCH, List.of(), "watcher"));
            if (watch.schedule() != null) {
                job.setCron(watch.schedule());
            } else {
                long seconds = watch.interval().toSeconds();
                long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(seconds / 10, 30)) + 1);
                // Like Watchtower's --interval, the first check comes one interval after start.
                job.setInterval(seconds + "s").setDelayed((seconds + jitter) + "s");
            }
            job.schedule();
            jobs.put(target.name(), identity);
            LOG.infof("watch %s: checks %s", target.name(), when);
        }
    }
}
