package io.keelson.deploy;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetCatalog;
import io.keelson.cluster.Lane;
import io.keelson.cluster.Leases;
import io.keelson.cluster.Signal;
import io.keelson.cluster.Signals;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategies;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts deployments and answers for them: every request is recorded as its own QUEUED deployment,
 * and that row is the queue (see {@link LaneDispatcher}), so none is lost, on any replica, and the
 * queue keeps request order.
 */
@ApplicationScoped
public class Deployments {

    private final Leases leases;
    private final Signals signals;
    private final RollbackPlanner rollbacks;
    private final TargetCatalog catalog;
    private final Clock clock;
    private final DeployConfig config;
    private final Redactor redactor;
    private final Strategies strategies;
    private final PolicyAdmission admission;
    private final ConcurrentHashMap<String, Object> localLocks = new ConcurrentHashMap<>();

    public Deployments(
            Leases leases,
            Signals signals,
            RollbackPlanner rollbacks,
            TargetCatalog catalog,
            Clock clock,
            DeployConfig config,
            Redactor redactor,
            Strategies strategies,
            PolicyAdmission admission) {
        this.admission = admission;
        this.leases = leases;
        this.signals = signals;
        this.strategies = strategies;
        this.config = config;
        this.redactor = redactor;
        this.rollbacks = rollbacks;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** What became of a request for a watch check. */
    public enum CycleRequest {
        /** A check was queued on the target's lane. */
        QUEUED,
        /** A check was already waiting there; this request joined it (its images added), nothing is lost. */
        COALESCED
    }

    /**
     * Queues a check of a watch target on its lane; when one is already waiting there, this request
     * joins it (the images of both are checked) instead of piling up behind it.
     */
    public CycleRequest requestCycle(String target, Trigger trigger, List<ImageRef> images, String requestedBy) {
        CycleRequest result;
        synchronized (localLock(target)) {
            result = QuarkusTransaction.requiringNew().call(() -> queueCheck(target, trigger, images, requestedBy));
        }
        signals.publish(Signal.Kind.WORK, target);
        return result;
    }

    /** {@link #requestCycle} inside the caller's transaction (a watch slot queues its check in the one that claims it). */
    CycleRequest queueCheck(String target, Trigger trigger, List<ImageRef> images, String requestedBy) {
        Lane lane = leases.lock(target);
        List<String> asked =
                boundedImages(images.stream().map(ImageRef::toString).distinct().toList());
        CheckRequest waiting = CheckRequest.findById(target);
        if (waiting == null) {
            CheckRequest check = new CheckRequest();
            check.target = target;
            check.id = lane.nextId();
            check.trigger = trigger;
            check.images = Work.imagesToJson(asked);
            check.requestedBy = requestedBy;
            check.persist();
            return CycleRequest.QUEUED;
        }
        List<String> before = Work.imagesFrom(waiting.images);
        if (!before.isEmpty()) {
            Set<String> union = new LinkedHashSet<>(before);
            union.addAll(asked);
            // Empty means every watched image: a request for everything makes the joined check one for everything.
            waiting.images = Work.imagesToJson(asked.isEmpty() ? List.of() : boundedImages(List.copyOf(union)));
        }
        return CycleRequest.COALESCED;
    }

    /** More images than this make a check of every watched image: what so many add up to, in a bounded row. */
    private static final int MAX_CHECK_IMAGES = 50;

    /** The images of a check, or none (every watched image) past {@link #MAX_CHECK_IMAGES} or the column's size. */
    private static List<String> boundedImages(List<String> images) {
        boolean fits =
                images.size() <= MAX_CHECK_IMAGES && Work.imagesToJson(images).length() <= CHECK_IMAGES_COLUMN / 2;
        return fits ? images : List.of();
    }

    /** The size of {@code check_request.images} (V4__replicas.sql); a bounded list never comes near it. */
    private static final int CHECK_IMAGES_COLUMN = 20000;

    /** A deployment a check found necessary, recorded as running; must run inside a transaction. */
    static String recordRunning(
            Leases leases, String target, DeployOrder order, Provenance provenance, Clock clock, String runBy) {
        Deployment d = Deployment.requested(leases.lock(target).nextId(), target, order, provenance, clock.instant());
        d.runBy = runBy;
        d.fence = leases.fence(target);
        d.status = Status.RUNNING;
        d.startedAt = d.createdAt;
        d.persist();
        return d.id;
    }

    /** What a submission answered: the deployment, and whether this call created it. */
    public record Submitted(DeploymentView deployment, boolean created) {}

    /** Queues a validated order; a release's units are its own, else the request's, else the target's defaults. */
    public Submitted deploy(CatalogTarget target, DeployOrder order, Provenance provenance) {
        if (target.paused()) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.CONFLICT,
                    "target '" + target.name() + "' is paused; POST /api/v1/targets/" + target.name()
                            + "/resume first");
        }
        admission.requireOpen(target, provenance);
        if (OutdatedPipelines.applies(provenance)) {
            QuarkusTransaction.requiringNew().run(() -> OutdatedPipelines.refuseOlder(target.name(), provenance));
        }
        List<String> units = order.isRelease() ? List.copyOf(order.release().keySet()) : defaultUnits(target);
        return submit(target.name(), admission.oldEnough(target, order.withUnits(units)), provenance);
    }

    /**
     * Queues a rollback to an earlier deployment's digests (or, without one, undoes the newest
     * change). It is planned when it runs; when nothing is queued or running before it, the plan
     * cannot change meanwhile, so it is checked now and a rollback with nothing to do is refused.
     */
    public Submitted rollback(CatalogTarget target, String toDeployment, Provenance provenance) {
        boolean quiet = QuarkusTransaction.requiringNew().call(() -> Deployment.unfinishedOf(target.name()) == 0);
        if (quiet) {
            QuarkusTransaction.requiringNew().call(() -> rollbacks.pinsFor(target.name(), toDeployment));
        } else if (toDeployment != null) {
            QuarkusTransaction.requiringNew().call(() -> rollbacks.requireDeployment(target.name(), toDeployment));
        }
        Submitted submitted = submit(target.name(), DeployOrder.rollbackTo(toDeployment), provenance);
        if (submitted.created() && strategies.of(target.spec()).followsRegistry() && !target.paused()) {
            // Paused once the rollback is queued (a refused one pauses nothing, a replayed one does not
            // pause again), and long before it runs, so no later watch check can undo it.
            catalog.setPaused(target.name(), true);
        }
        return submitted;
    }

    /**
     * Queues the end of a review environment: its project removed from every host. It is queued
     * whether or not the target is paused (a pause holds deployments, not the environment's end).
     */
    public Submitted stop(String target, Provenance provenance) {
        return submit(target, DeployOrder.stopProject(), provenance);
    }

    /** The repositories this target's units have run, by the recorded changes: a deployment may name these again. */
    public Set<String> knownRepositories(String target) {
        return QuarkusTransaction.requiringNew().call(() -> DeploymentChange.repositoriesOf(target));
    }

    /** The deployment with its changes and (the bounded head of) its log. */
    public Optional<DeploymentView> find(String id) {
        return find(id, true);
    }

    /** The deployment with its changes, and its log's head or {@code null} for none. */
    public Optional<DeploymentView> find(String id, boolean withLog) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.byId(id).map(withLog ? DeploymentView::of : DeploymentView::withoutLog))
                .map(v -> v.redacted(redactor));
    }

    /** The deployment's row alone: no changes, no log. */
    public Optional<DeploymentView> summary(String id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.byId(id).map(DeploymentView::summaryOf))
                .map(v -> v.redacted(redactor));
    }

    /** The deployment a request with this idempotency key started on the target, without changes and log. */
    public Optional<DeploymentView> byKey(String target, String idempotencyKey) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.byIdempotencyKey(target, idempotencyKey).map(DeploymentView::summaryOf))
                .map(v -> v.redacted(redactor));
    }

    /** The newest first, without logs ({@code log} is null: read it from the deployment or page it). */
    public List<DeploymentView> history(String target, int limit) {
        return QuarkusTransaction.requiringNew()
                .call(() -> DeploymentView.listOf(Deployment.history(target, limit)).stream()
                        .map(v -> v.redacted(redactor))
                        .toList());
    }

    /** The newest deployment of a target without its changes and log: what a list of targets shows. */
    public Optional<DeploymentView> latest(String target) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.history(target, 1).stream().findFirst().map(DeploymentView::summaryOf))
                .map(v -> v.redacted(redactor));
    }

    /** What each unit of the target runs, as Keelson last recorded it. */
    public List<RecordedUnit> recordedUnits(String target) {
        return QuarkusTransaction.requiringNew()
                .call(() -> RecordedUnit.of(DeploymentChange.newestOf(target, RecordedUnit.CHANGES_SEARCHED)));
    }

    /**
     * Records the deployment as QUEUED under its target's lane lock, so the queue order is the order
     * submissions committed on any replica, and an idempotent retry finds its first attempt wherever
     * that landed. The replica holding the lane (this one or another) is told there is work.
     */
    private Submitted submit(String target, DeployOrder order, Provenance provenance) {
        String idempotencyKey = provenance.idempotencyKey();
        Queued queued;
        synchronized (localLock(target)) { // one waiter per target on the row lock from this process
            queued = QuarkusTransaction.requiringNew().call(() -> {
                Lane lane = leases.lock(target);
                if (idempotencyKey != null) {
                    Optional<Deployment> earlier = Deployment.byIdempotencyKey(target, idempotencyKey);
                    if (earlier.isPresent()) {
                        return new Queued(earlier.get().id, false);
                    }
                }
                long waiting = Deployment.queuedOf(target);
                if (waiting >= config.maxQueuedPerTarget()) {
                    throw new DeploymentRefused(
                            DeploymentRefused.Kind.TOO_MANY,
                            "target '" + target + "' already has " + waiting + " deployments waiting (at most "
                                    + config.maxQueuedPerTarget() + "); nothing was queued, try again later");
                }
                Deployment d = Deployment.requested(lane.nextId(), target, order, provenance, clock.instant());
                d.status = Status.QUEUED;
                d.persist();
                return new Queued(d.id, true);
            });
        }
        if (queued.created()) {
            signals.publish(Signal.Kind.WORK, target);
        }
        return new Submitted(find(queued.id()).orElseThrow(), queued.created());
    }

    private record Queued(String id, boolean created) {}

    private Object localLock(String target) {
        return localLocks.computeIfAbsent(target, t -> new Object());
    }

    private List<String> defaultUnits(CatalogTarget target) {
        return strategies.of(target.spec()).units(target.spec());
    }
}
