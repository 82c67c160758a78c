package io.keelson.deploy;

import com.github.f4b6a3.ulid.UlidCreator;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetCatalog;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategies;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts deployments and answers for them: every request is recorded as its own QUEUED deployment
 * before it is queued on its target's lane, so none is lost and the queue keeps request order.
 */
@ApplicationScoped
public class Deployments {

    private final TargetLanes lanes;
    private final Deployer deployer;
    private final RollbackPlanner rollbacks;
    private final TargetCatalog catalog;
    private final Clock clock;
    private final DeployConfig config;
    private final Redactor redactor;
    private final Strategies strategies;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> endings = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PendingCycle> pendingCycles = new ConcurrentHashMap<>();

    public Deployments(
            TargetLanes lanes,
            Deployer deployer,
            RollbackPlanner rollbacks,
            TargetCatalog catalog,
            Clock clock,
            DeployConfig config,
            Redactor redactor,
            Strategies strategies) {
        this.strategies = strategies;
        this.config = config;
        this.redactor = redactor;
        this.lanes = lanes;
        this.deployer = deployer;
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

    /** The check waiting on a target's lane: the images asked for so far (empty: every watched image). */
    private record PendingCycle(Trigger trigger, Set<ImageRef> images, boolean everything, String requestedBy) {
        PendingCycle join(List<ImageRef> more) {
            Set<ImageRef> union = new java.util.LinkedHashSet<>(images);
            union.addAll(more);
            return new PendingCycle(trigger, union, everything || more.isEmpty(), requestedBy);
        }
    }

    /**
     * Queues a check of a watch target on its lane; when one is already waiting there, this request
     * joins it (the images of both are checked) instead of piling up behind it.
     */
    public CycleRequest requestCycle(String target, Trigger trigger, List<ImageRef> images, String requestedBy) {
        boolean[] joined = {false};
        pendingCycles.compute(target, (t, waiting) -> {
            if (waiting == null) {
                return new PendingCycle(trigger, new java.util.LinkedHashSet<>(images), images.isEmpty(), requestedBy);
            }
            joined[0] = true;
            return waiting.join(images);
        });
        if (joined[0]) {
            return CycleRequest.COALESCED;
        }
        lanes.enqueue(target, () -> {
            PendingCycle cycle = pendingCycles.remove(target);
            deployer.runCheck(
                    target,
                    cycle.trigger(),
                    cycle.everything() ? List.of() : List.copyOf(cycle.images()),
                    cycle.requestedBy());
        });
        return CycleRequest.QUEUED;
    }

    /** A deployment a check found necessary, recorded as running; must run inside a transaction. */
    static String recordRunning(String target, DeployOrder order, Provenance provenance, Clock clock) {
        Deployment d = row(UlidCreator.getMonotonicUlid().toString(), target, order, provenance, clock);
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
        List<String> units = order.isRelease() ? List.copyOf(order.release().keySet()) : defaultUnits(target);
        return submit(target.name(), order.withUnits(units), provenance);
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
        if (strategies.of(target.spec()).followsRegistry() && !target.paused()) {
            // Paused before the rollback runs, so no watch cycle can undo it in between.
            catalog.setPaused(target.name(), true);
        }
        return submit(target.name(), DeployOrder.rollbackTo(toDeployment), provenance);
    }

    /** The repositories this target's units have run, by the recorded changes: a deployment may name these again. */
    public Set<String> knownRepositories(String target) {
        return QuarkusTransaction.requiringNew().call(() -> DeploymentChange.repositoriesOf(target));
    }

    public Optional<DeploymentView> find(String id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.byId(id).map(DeploymentView::of))
                .map(v -> v.redacted(redactor));
    }

    public List<DeploymentView> history(String target, int limit) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.history(target, limit).stream()
                        .map(DeploymentView::of)
                        .map(v -> v.redacted(redactor))
                        .toList());
    }

    /** The newest deployment of a target without its changes and log: what a list of targets shows. */
    public Optional<DeploymentView> latest(String target) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.history(target, 1).stream().findFirst().map(DeploymentView::summaryOf))
                .map(v -> v.redacted(redactor));
    }

    /** Log lines after the first {@code skip}, and whether the deployment has ended (read first, so no line is missed). */
    public record LogChunk(List<String> lines, boolean ended) {}

    public LogChunk logAfter(String id, int skip) {
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean ended = Deployment.byId(id).map(d -> d.status.isFinal()).orElse(true);
            return new LogChunk(
                    LogLine.linesAfter(id, skip).stream().map(redactor::scrub).toList(), ended);
        });
    }

    /**
     * Completes when the deployment ends (at once if it has): a caller waits on it without holding
     * a thread, so a hundred pipelines waiting with {@code ?wait=true} cost no worker threads.
     */
    public CompletableFuture<Void> ending(String id) {
        CompletableFuture<Void> ending = endings.computeIfAbsent(id, k -> new CompletableFuture<>());
        // Registered first, then read: an end that came in between is seen here, a later one completes the future.
        if (find(id).map(d -> d.status().isFinal()).orElse(true)) {
            endings.remove(id, ending);
            ending.complete(null);
        }
        return ending;
    }

    private Submitted submit(String target, DeployOrder order, Provenance provenance) {
        String idempotencyKey = provenance.idempotencyKey();
        synchronized (lanes.lock(target)) {
            if (idempotencyKey != null) {
                Optional<DeploymentView> earlier = QuarkusTransaction.requiringNew()
                        .call(() -> Deployment.byIdempotencyKey(target, idempotencyKey)
                                .map(DeploymentView::of));
                if (earlier.isPresent()) {
                    return new Submitted(earlier.get(), false);
                }
            }
            long queued = QuarkusTransaction.requiringNew().call(() -> Deployment.queuedOf(target));
            if (queued >= config.maxQueuedPerTarget()) {
                throw new DeploymentRefused(
                        DeploymentRefused.Kind.TOO_MANY,
                        "target '" + target + "' already has " + queued + " deployments waiting (at most "
                                + config.maxQueuedPerTarget() + "); nothing was queued, try again later");
            }
            String id = UlidCreator.getMonotonicUlid().toString();
            QuarkusTransaction.requiringNew().run(() -> {
                Deployment d = row(id, target, order, provenance, clock);
                d.status = Status.QUEUED;
                d.persist();
            });
            lanes.enqueue(target, () -> {
                try {
                    deployer.run(id);
                } finally {
                    CompletableFuture<Void> ending = endings.remove(id);
                    if (ending != null) {
                        ending.complete(null);
                    }
                }
            });
            return new Submitted(find(id).orElseThrow(), true);
        }
    }

    private static Deployment row(String id, String target, DeployOrder order, Provenance provenance, Clock clock) {
        Deployment d = new Deployment();
        d.id = id;
        d.target = target;
        d.trigger = provenance.trigger();
        d.requestedBy = provenance.requestedBy();
        d.reason = provenance.reason();
        Pipeline pipeline = provenance.pipeline();
        if (pipeline != null) {
            d.pipelineProject = pipeline.project();
            d.pipelineId = pipeline.id();
            d.pipelineCommit = pipeline.commit();
            d.pipelineRef = pipeline.ref();
            d.pipelineUrl = pipeline.url();
        }
        d.request = order.toJson();
        d.idempotencyKey = provenance.idempotencyKey();
        d.createdAt = clock.instant();
        return d;
    }

    private List<String> defaultUnits(CatalogTarget target) {
        return strategies.of(target.spec()).units(target.spec());
    }
}
