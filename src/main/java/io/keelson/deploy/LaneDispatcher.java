package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.cluster.Leases;
import io.keelson.cluster.OwnThread;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs each target's queued work on whichever replica holds the target's lane. The queue is the
 * database (QUEUED deployments and waiting checks, in id order); a replica told of new work, or
 * finding it on a sweep, takes the lane's lease, works the lane dry one item at a time, then gives
 * the lease up. Different targets run in parallel; one target never runs two things at once, on
 * any number of replicas. Taking a lane whose holder died first closes what that holder left
 * running and repairs the target's units, as a start does. Leases are renewed apart from all this,
 * by {@link io.keelson.cluster.LeaseRenewal}, and every host step checks its lease first.
 */
@ApplicationScoped
public class LaneDispatcher {

    private static final Logger LOG = Logger.getLogger(LaneDispatcher.class);

    private final Leases leases;
    private final Signals signals;
    private final Deployer deployer;
    private final Repair repairs;
    private final TargetCatalog catalog;
    private final AbandonedDeployments abandoned;
    private final boolean exclusiveDatabase;
    private final Set<String> working = ConcurrentHashMap.newKeySet();
    private final Set<String> woken = ConcurrentHashMap.newKeySet();
    private final Set<String> toRepair = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "lane-worker");
        thread.setDaemon(true);
        return thread;
    });
    private final OwnThread sweeper = new OwnThread("lane-sweep");
    private volatile boolean started;

    public LaneDispatcher(
            Leases leases,
            Signals signals,
            Deployer deployer,
            Repair repairs,
            TargetCatalog catalog,
            AbandonedDeployments abandoned,
            @ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind) {
        this.leases = leases;
        this.signals = signals;
        this.deployer = deployer;
        this.repairs = repairs;
        this.catalog = catalog;
        this.abandoned = abandoned;
        // An H2 file is opened by one process at a time: whatever an earlier run held is void.
        this.exclusiveDatabase = dbKind.startsWith("h2");
    }

    /** After the catalog is loaded: every target's units are repaired once, on its lane, before anything else runs there. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        if (exclusiveDatabase) {
            leases.voidOthers();
            abandoned.closeAll();
        }
        for (CatalogTarget target : catalog.list()) {
            toRepair.add(target.name());
        }
        signals.listen(this::onSignal);
        started = true;
        sweep();
    }

    private void onSignal(Signal signal) {
        switch (signal.kind()) {
            case WORK -> wake(signal.subject());
            case RESYNC -> sweeper.runUnlessBusy(this::sweep); // any database login can send it: one sweep at a time
            default -> {}
        }
    }

    /** The periodic sweep, handed to a thread of its own (see {@link OwnThread}). */
    @Scheduled(every = "${keelson.cluster.sweep-every}", delayed = "${keelson.cluster.sweep-every}")
    @NonBlocking
    void scheduledSweep() {
        sweeper.runUnlessBusy(this::sweep);
    }

    /** Looks for work no signal announced: lanes whose holder died, notifications lost on the way, repairs due again. */
    void sweep() {
        if (!started) {
            return;
        }
        try {
            Set<String> candidates = new HashSet<>(toRepair);
            QuarkusTransaction.requiringNew().run(() -> {
                candidates.addAll(Deployment.targetsWithUnfinished());
                CheckRequest.<CheckRequest>listAll().forEach(c -> candidates.add(c.target));
            });
            candidates.addAll(leases.expired());
            Set<String> repairsDue = repairs.due();
            toRepair.addAll(repairsDue);
            candidates.addAll(repairsDue);
            candidates.forEach(this::wake);
        } catch (RuntimeException e) {
            LOG.warnf("looking for queued work failed (%s); trying again at the next sweep", e.getMessage());
        }
    }

    /** There may be work on the target: make sure a worker on this replica looks, unless one is already. */
    public void wake(String target) {
        if (!started) {
            return; // the start-up sweep looks at every target
        }
        woken.add(target);
        if (working.add(target)) {
            try {
                workers.execute(() -> work(target));
            } catch (RuntimeException e) {
                working.remove(target); // shutting down
            }
        }
    }

    private void work(String target) {
        try {
            while (woken.remove(target)) {
                if (leases.acquire(target)) {
                    try {
                        drain(target);
                    } finally {
                        leases.release(target);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "lane %s: a worker failed; the next sweep looks again", target);
        } finally {
            working.remove(target);
            if (woken.contains(target)) {
                wake(target); // woken after the loop looked, before it left
            }
        }
    }

    /** Runs the lane's items oldest first until none is left; the lease is checked (and extended) before each. */
    private void drain(String target) {
        boolean closed = abandoned.close(target) > 0;
        if (toRepair.remove(target) || closed) {
            repairs.repair(target);
        }
        while (leases.acquire(target)) {
            Work next = QuarkusTransaction.requiringNew().call(() -> Work.next(target));
            if (next == null) {
                return;
            }
            if (next instanceof Work.Queued queued) {
                deployer.run(queued.deploymentId());
            } else if (next instanceof Work.Check check) {
                deployer.runCheck(target, check.order(), check.provenance());
            }
        }
        LOG.errorf(
                "lane %s: this replica lost its lease (the database was out of reach too long?); stopping here",
                target);
    }

    @PreDestroy
    void stop() {
        started = false;
        sweeper.close();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
