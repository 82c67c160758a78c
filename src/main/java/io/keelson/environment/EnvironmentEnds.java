package io.keelson.environment;

import io.keelson.catalog.EnvironmentTargets;
import io.keelson.catalog.EnvironmentsSpec;
import io.keelson.deploy.DeploymentEnded;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.Provenance;
import io.keelson.deploy.Status;
import io.keelson.deploy.Trigger;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The life of an environment after creation, worked out from what the database recorded: when its
 * time is up, whether its end was queued, and what became of that end. {@link #settle} is the one
 * place that acts on it; it is idempotent, so a deployment's end, the periodic look and a DELETE
 * may all call it, on any replica, and a step lost to a crash is taken at the next call.
 */
@ApplicationScoped
public class EnvironmentEnds {

    private static final Logger LOG = Logger.getLogger(EnvironmentEnds.class);
    /** Deployments read back to find the newest that ended: an environment's recent history. */
    private static final int HISTORY = 50;

    private static final String KEELSON = "keelson";

    private final Deployments deployments;
    private final EnvironmentTargets targets;
    private final EnvironmentConfig config;
    private final Clock clock;

    public EnvironmentEnds(Deployments deployments, EnvironmentTargets targets, EnvironmentConfig config, Clock clock) {
        this.deployments = deployments;
        this.targets = targets;
        this.config = config;
        this.clock = clock;
    }

    /** The environment with its ports, its newest deployment (its changes, no log) and its time as recorded. */
    public Optional<EnvironmentView> view(String name) {
        Optional<Instant> created = QuarkusTransaction.requiringNew()
                .call(() -> Environment.byTarget(name).map(env -> env.createdAt));
        if (created.isEmpty()) {
            return Optional.empty();
        }
        // One deployment read, whatever the caller: a list of a template's environments costs one
        // small read each, and the stored expiry is kept current by settle().
        List<DeploymentView> history = history(name, created.get(), 1);
        return QuarkusTransaction.requiringNew()
                .call(() -> Environment.byTarget(name)
                        .map(env -> new EnvironmentView(
                                env.slug,
                                env.target,
                                env.template,
                                env.url,
                                env.state.name(),
                                EnvironmentPort.of(name),
                                env.createdAt,
                                expiresAt(env, history),
                                history.isEmpty() ? null : history.get(0))));
    }

    /**
     * Queues the environment's end (trigger STOP or EXPIRE), or finds the one already queued for
     * this attempt: two requests, or a DELETE and the expiry, end it once. Empty when it is gone.
     */
    public Optional<DeploymentView> stop(String name, Trigger trigger, String requestedBy, String reason) {
        Optional<String> key = QuarkusTransaction.requiringNew()
                .call(() -> Environment.locked(name).map(env -> {
                    if (env.state == Environment.State.ACTIVE) {
                        env.state = Environment.State.STOPPING;
                        env.stopAttempt++;
                        env.stopTrigger = trigger;
                    }
                    return env.stopKey();
                }));
        return key.map(k -> submitEnd(name, k, trigger, requestedBy, reason));
    }

    /**
     * Ends the environment if its time is up by the record: it is ACTIVE, nothing of it is queued or
     * running, and its last deployment ended a {@code ttl} ago. The state changes under the row's
     * lock, so of all replicas looking at once exactly one queues the end.
     */
    void expireIfDue(String name) {
        Optional<Instant> created = QuarkusTransaction.requiringNew()
                .call(() -> Environment.byTarget(name).map(env -> env.createdAt));
        if (created.isEmpty()) {
            return;
        }
        List<DeploymentView> history = history(name, created.get());
        if (history.stream().anyMatch(d -> !d.status().isFinal())) {
            return;
        }
        Instant now = clock.instant();
        Optional<String> key = QuarkusTransaction.requiringNew()
                .call(() -> Environment.locked(name)
                        .filter(env -> env.state == Environment.State.ACTIVE)
                        .flatMap(env -> {
                            env.expiresAt = expiresAt(env, history);
                            if (env.expiresAt.isAfter(now)) {
                                return Optional.empty();
                            }
                            env.state = Environment.State.STOPPING;
                            env.stopAttempt++;
                            env.stopTrigger = Trigger.EXPIRE;
                            return Optional.of(env.stopKey());
                        }));
        key.ifPresent(k -> {
            LOG.infof("environment %s: its time is up, stopping it", name);
            submitEnd(name, k, Trigger.EXPIRE, KEELSON, "its time was up");
        });
    }

    /**
     * Brings the record up to date with the environment's deployments: its time moved by the newest
     * that ended; a creation cut off (never succeeded, last one INTERRUPTED) ended, so it is either
     * working or gone; and for one STOPPING, the end queued if it is not, removed for good once it
     * SUCCEEDED, queued again if it was interrupted, back to ACTIVE (tried again later) if it FAILED.
     */
    public void settle(String name) {
        Optional<Environment> env = QuarkusTransaction.requiringNew().call(() -> Environment.byTarget(name));
        if (env.isEmpty()) {
            return;
        }
        if (env.get().state == Environment.State.ACTIVE) {
            settleActive(name, history(name, env.get().createdAt));
        } else {
            settleStopping(name);
        }
    }

    /**
     * The environment's recent deployments, newest first, from its creation on: a slug used again
     * later is a new environment, and the deployments of the earlier one say nothing about it.
     */
    private List<DeploymentView> history(String name, Instant createdAt) {
        return history(name, createdAt, HISTORY);
    }

    private List<DeploymentView> history(String name, Instant createdAt, int limit) {
        return deployments.history(name, limit).stream()
                .filter(d -> !d.createdAt().isBefore(createdAt))
                .toList();
    }

    private void settleActive(String name, List<DeploymentView> history) {
        QuarkusTransaction.requiringNew()
                .run(() -> Environment.locked(name)
                        .filter(env -> env.state == Environment.State.ACTIVE)
                        .ifPresent(env -> env.expiresAt = expiresAt(env, history)));
        boolean neverServed = history.stream().noneMatch(d -> d.status() == Status.SUCCEEDED);
        if (!history.isEmpty() && neverServed && history.get(0).status() == Status.INTERRUPTED) {
            LOG.infof("environment %s: its creation was interrupted; removing what it left", name);
            stop(name, Trigger.STOP, KEELSON, "its creation was interrupted");
        }
    }

    private void settleStopping(String name) {
        Optional<Environment> env = QuarkusTransaction.requiringNew().call(() -> Environment.byTarget(name));
        if (env.isEmpty() || env.get().state != Environment.State.STOPPING) {
            return;
        }
        String key = env.get().stopKey();
        Trigger trigger = env.get().stopTrigger == null ? Trigger.STOP : env.get().stopTrigger;
        Optional<DeploymentView> end = deployments.byKey(name, key);
        if (end.isEmpty()) {
            submitEnd(name, key, trigger, KEELSON, "its end was asked for and not yet queued");
            return;
        }
        Status status = end.get().status();
        if (!status.isFinal()) {
            return;
        }
        QuarkusTransaction.requiringNew()
                .run(() -> Environment.locked(name)
                        .filter(row -> row.state == Environment.State.STOPPING
                                && row.stopKey().equals(key))
                        .ifPresent(row -> {
                            switch (status) {
                                case SUCCEEDED -> {
                                    EnvironmentPort.free(name);
                                    row.delete();
                                    targets.remove(name);
                                    LOG.infof("environment %s is gone", name);
                                }
                                case INTERRUPTED -> row.stopAttempt++;
                                default -> {
                                    row.state = Environment.State.ACTIVE;
                                    row.expiresAt = clock.instant().plus(config.stopRetry());
                                    LOG.warnf(
                                            "environment %s: its end failed (%s); tried again at %s",
                                            name, end.get().error(), row.expiresAt);
                                }
                            }
                        }));
        if (status == Status.INTERRUPTED) {
            settleStopping(name); // queues the next attempt
        }
    }

    void onEnd(@ObservesAsync DeploymentEnded event) {
        String target = event.deployment().target();
        if (!target.contains(EnvironmentsSpec.SEPARATOR)) {
            return;
        }
        try {
            settle(target);
        } catch (RuntimeException e) {
            LOG.warnf(
                    e,
                    "environment %s: could not settle after deployment %s",
                    target,
                    event.deployment().id());
        }
    }

    private DeploymentView submitEnd(String name, String key, Trigger trigger, String requestedBy, String reason) {
        return deployments
                .stop(name, new Provenance(trigger, requestedBy, reason, null, key))
                .deployment();
    }

    /**
     * The newest deployment that ended (an end excepted) plus the ttl, or the time recorded at the
     * last request when that is later: a deployment still running has not started the time again yet.
     */
    private static Instant expiresAt(Environment env, List<DeploymentView> history) {
        return history.stream()
                .filter(d -> d.finishedAt() != null && d.trigger() != Trigger.STOP && d.trigger() != Trigger.EXPIRE)
                .findFirst()
                .map(d -> d.finishedAt().plus(env.ttl()))
                .filter(candidate -> candidate.isAfter(env.expiresAt))
                .orElse(env.expiresAt);
    }
}
