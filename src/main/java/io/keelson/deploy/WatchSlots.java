package io.keelson.deploy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.keelson.catalog.CatalogChanged;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.WatchSpec;
import io.keelson.cluster.OwnThread;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.keelson.strategy.Strategies;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Watch schedules, once per interval across all replicas: each watch target has a slot in the
 * database saying when its next check is due. Every replica looks each second; the one whose
 * conditional UPDATE moves a due slot on is the one that queues the check, in the same transaction,
 * so a check is queued once, and a replica that dies takes no schedule with it. An {@code interval}
 * (Watchtower's {@code --interval}) starts one interval and a random delay after the target
 * appears, so targets do not all ask their registries at once; a cron {@code schedule} follows
 * Quartz syntax in this machine's time zone.
 */
@ApplicationScoped
public class WatchSlots {

    private static final Logger LOG = Logger.getLogger(WatchSlots.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    /** Catalog changes made through another replica reach this one's slots by a sync this often. */
    private static final int SYNC_EVERY_TICKS = 15;

    private final TargetCatalog catalog;
    private final Deployments deployments;
    private final Signals signals;
    private final Clock clock;
    private final Strategies strategies;
    private final OwnThread ticker = new OwnThread("watch-schedules");
    private int ticks;

    public WatchSlots(
            TargetCatalog catalog, Deployments deployments, Signals signals, Clock clock, Strategies strategies) {
        this.strategies = strategies;
        this.catalog = catalog;
        this.deployments = deployments;
        this.signals = signals;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        sync();
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) CatalogChanged event) {
        sync();
    }

    /** Every second, handed to a thread of its own (see {@link OwnThread}). */
    @Scheduled(every = "1s")
    @NonBlocking
    void scheduledTick() {
        ticker.runUnlessBusy(this::tick);
    }

    @PreDestroy
    void stop() {
        ticker.close();
    }

    void tick() {
        try {
            if (++ticks % SYNC_EVERY_TICKS == 0) {
                sync();
            }
            Instant now = now();
            List<WatchSlot> due = QuarkusTransaction.requiringNew().call(() -> WatchSlot.list("dueAt <= ?1", now));
            due.forEach(slot -> claim(slot, now));
        } catch (RuntimeException e) {
            LOG.warnf("watch schedules: the database did not answer (%s); trying again in a second", e.getMessage());
        }
    }

    /** Moves the slot on if no other replica did since it was read, and then queues its check. */
    private void claim(WatchSlot seen, Instant now) {
        Instant next = nextDue(seen.schedule, seen.dueAt, now);
        boolean claimed = QuarkusTransaction.requiringNew().call(() -> {
            int moved = WatchSlot.update(
                    "dueAt = ?1 where target = ?2 and dueAt = ?3 and schedule = ?4",
                    next,
                    seen.target,
                    seen.dueAt,
                    seen.schedule);
            if (moved == 1) {
                deployments.queueCheck(seen.target, Trigger.WATCH, List.of(), "watcher");
            }
            return moved == 1;
        });
        if (claimed) {
            signals.publish(Signal.Kind.WORK, seen.target);
        }
    }

    /** Makes the slots follow the catalog: one per target that follows its registry, started over when its schedule changes. */
    synchronized void sync() {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (CatalogTarget target : catalog.list()) {
            if (strategies.of(target.spec()).followsRegistry()) {
                wanted.put(target.name(), schedule(target.spec().effectiveWatch()));
            }
        }
        Instant now = now();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                for (WatchSlot slot : WatchSlot.<WatchSlot>listAll()) {
                    if (!wanted.containsKey(slot.target)) {
                        slot.delete();
                        LOG.infof("watch %s: unscheduled", slot.target);
                    }
                }
                wanted.forEach((target, schedule) -> {
                    WatchSlot slot = WatchSlot.findById(target);
                    if (slot != null && slot.schedule.equals(schedule)) {
                        return;
                    }
                    if (slot == null) {
                        slot = new WatchSlot();
                        slot.target = target;
                        slot.schedule = schedule;
                        slot.dueAt = firstDue(schedule, now);
                        slot.persist();
                    } else {
                        slot.schedule = schedule;
                        slot.dueAt = firstDue(schedule, now);
                    }
                    LOG.infof("watch %s: checks %s, first at %s", target, schedule, slot.dueAt);
                });
            });
        } catch (RuntimeException e) {
            // Another replica wrote the same slots at the same moment; the next sync sees them.
            LOG.debugf("watch schedules: sync deferred (%s)", e.getMessage());
        }
    }

    static String schedule(WatchSpec watch) {
        return watch.schedule() != null
                ? "cron " + watch.schedule()
                : "every " + watch.interval().toSeconds() + "s";
    }

    /** Like Watchtower's --interval, the first check comes one interval (and a little jitter) after start. */
    static Instant firstDue(String schedule, Instant now) {
        if (schedule.startsWith("cron ")) {
            return nextCron(schedule, now);
        }
        long seconds = intervalSeconds(schedule);
        long jitterMs = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(seconds / 10, 30)) * 1000 + 1);
        return now.plusSeconds(seconds).plusMillis(jitterMs);
    }

    /** One interval after the due time just served; when that is past already (nobody ran for a while), one from now. */
    static Instant nextDue(String schedule, Instant served, Instant now) {
        if (schedule.startsWith("cron ")) {
            return nextCron(schedule, now);
        }
        Duration interval = Duration.ofSeconds(intervalSeconds(schedule));
        Instant next = served.plus(interval);
        return next.isAfter(now) ? next : now.plus(interval);
    }

    private static long intervalSeconds(String schedule) {
        return Long.parseLong(schedule.substring("every ".length(), schedule.length() - 1));
    }

    private static Instant nextCron(String schedule, Instant now) {
        return ExecutionTime.forCron(CRON.parse(schedule.substring("cron ".length())))
                .nextExecution(now.atZone(ZoneId.systemDefault()))
                .map(t -> t.toInstant().truncatedTo(ChronoUnit.MILLIS))
                .orElse(now.plus(Duration.ofDays(365)));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
