package io.keelson.environment;

import io.keelson.catalog.CatalogException;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.EnvironmentTargets;
import io.keelson.catalog.EnvironmentsSpec;
import io.keelson.catalog.Target;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.deploy.DeploymentRefused;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.PolicyAdmission;
import io.keelson.deploy.Provenance;
import io.keelson.deploy.Trigger;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.ssh.ListeningPorts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Review environments: created by the first deployment to a slug, deployed like any target, and
 * ended (by a DELETE, or when their time is up) by a deployment that removes their project. Every
 * step that must happen once, on any replica, is a conditional write in the database.
 */
@ApplicationScoped
public class Environments {

    private static final Logger LOG = Logger.getLogger(Environments.class);
    private static final int CREATE_ATTEMPTS = 3;

    private final TargetCatalog catalog;
    private final EnvironmentTargets targets;
    private final Deployments deployments;
    private final PolicyAdmission admission;
    private final EnvironmentEnds ends;
    private final Clock clock;

    public Environments(
            TargetCatalog catalog,
            EnvironmentTargets targets,
            Deployments deployments,
            PolicyAdmission admission,
            EnvironmentEnds ends,
            Clock clock) {
        this.catalog = catalog;
        this.targets = targets;
        this.deployments = deployments;
        this.admission = admission;
        this.ends = ends;
        this.clock = clock;
    }

    /** A deployment to an environment, and the environment as it is once it was queued. */
    public record Deployed(Deployments.Submitted submitted, EnvironmentView environment) {}

    /** The template {@code name} names, or 404 when there is no such target or it has no {@code environments} block. */
    public CatalogTarget template(String name) {
        CatalogTarget target = catalog.find(name)
                .orElseThrow(() -> new DeploymentRefused(
                        DeploymentRefused.Kind.NOT_FOUND,
                        "no target named '" + name + "'; GET /api/v1/targets lists them"));
        if (target.spec().environments() == null || !target.spec().isSshCompose()) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.NOT_FOUND,
                    "target '" + name + "' is not a template of review environments: it has no environments block");
        }
        return target;
    }

    /** The name of the environment {@code slug} of {@code template}, once the slug is checked. */
    public static String targetName(String template, String slug) {
        if (!EnvironmentsSpec.isSlug(slug)) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.INVALID,
                    "slug: must match [a-z0-9]([a-z0-9-]{0,38}[a-z0-9])? (GitLab's CI_ENVIRONMENT_SLUG)");
        }
        return template + EnvironmentsSpec.SEPARATOR + slug;
    }

    /**
     * Creates the environment when it is new (folder, project, ports) and queues {@code order} to it.
     * The order was checked against the template already; nothing is created when it was refused.
     *
     * @param ttl the body's lifetime, or null for the template's
     */
    public Deployed deploy(
            CatalogTarget template, String slug, DeployOrder order, Provenance provenance, Duration ttl) {
        String name = targetName(template.name(), slug);
        if (template.paused()) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.CONFLICT,
                    "template '" + template.name()
                            + "' is paused: its environments are not deployed; POST /api/v1/targets/" + template.name()
                            + "/resume first");
        }
        admission.requireOpen(template, provenance); // before anything is created
        EnvironmentsSpec spec = template.spec().environments();
        Duration lifetime = ttl == null ? spec.effectiveTtl() : ttl;
        Optional<Environment> existing = QuarkusTransaction.requiringNew().call(() -> Environment.byTarget(name));
        if (existing.isPresent() && existing.get().state == Environment.State.STOPPING) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.CONFLICT,
                    "environment '" + name + "' is being stopped; deploy again once it is gone");
        }
        if (existing.isEmpty()) {
            create(template, slug, name, lifetime);
        } else {
            refresh(template, slug, name);
        }
        CatalogTarget target = catalog.find(name).orElseThrow();
        Map<String, Integer> ports = QuarkusTransaction.requiringNew().call(() -> EnvironmentPort.of(name));
        Map<String, String> variables = new LinkedHashMap<>();
        ports.forEach((service, port) -> variables.put(EnvironmentsSpec.portVariable(service), String.valueOf(port)));
        variables.put("KEELSON_ENVIRONMENT", slug);
        DeployOrder inFolder = order.inFolder(
                new DeployOrder.ProjectFolder(template.spec().compose().projectDir(), variables));
        // The time starts again with this request (and, precisely, when its deployment ends); set
        // before it is queued, so the end of a quick deployment always finds this ttl.
        Lifetime before = QuarkusTransaction.requiringNew()
                .call(() -> setLifetime(
                        name, new Lifetime(lifetime.toSeconds(), clock.instant().plus(lifetime))));
        Deployments.Submitted submitted;
        try {
            submitted = deployments.deploy(target, inFolder, provenance);
        } catch (RuntimeException e) {
            QuarkusTransaction.requiringNew().call(() -> setLifetime(name, before));
            throw e;
        }
        return new Deployed(submitted, ends.view(name).orElseThrow());
    }

    private record Lifetime(long ttlSeconds, Instant expiresAt) {}

    /** Sets the environment's ttl and expiry; returns what they were. */
    private static Lifetime setLifetime(String name, Lifetime lifetime) {
        Environment env = Environment.locked(name).orElseThrow();
        Lifetime before = new Lifetime(env.ttlSeconds, env.expiresAt);
        env.ttlSeconds = lifetime.ttlSeconds();
        env.expiresAt = lifetime.expiresAt();
        return before;
    }

    /** Every environment of the template, by slug. */
    public List<EnvironmentView> list(CatalogTarget template) {
        List<String> names = QuarkusTransaction.requiringNew()
                .call(() -> Environment.ofTemplate(template.name()).stream()
                        .map(env -> env.target)
                        .toList());
        return names.stream().flatMap(n -> ends.view(n).stream()).toList();
    }

    /**
     * Ends the environment: queues the deployment that removes its project, or finds the one
     * already queued. Empty when there is no such environment (any more). It ends also when its
     * template was removed meanwhile: its own target still says where it runs.
     */
    public Optional<DeploymentView> stop(String template, String slug, String requestedBy) {
        Optional<DeploymentView> end = ends.stop(targetName(template, slug), Trigger.STOP, requestedBy, "deleted");
        if (end.isEmpty()) {
            template(template); // 404 for a template that is not there; gone is gone otherwise
        }
        return end;
    }

    /**
     * A new environment: its ports are picked against what every host of the template listens on
     * (read before the transaction, which holds the template's row so creations of one template
     * take turns), then the row, its ports and its target are written at once. Two replicas that
     * pick one port for environments of two templates collide on the port's key: the loser tries again.
     */
    private void create(CatalogTarget template, String slug, String name, Duration lifetime) {
        // Refused before any host is asked: a flood of new slugs on a full template opens no SSH connection.
        QuarkusTransaction.requiringNew().run(() -> refuseFull(template));
        Set<Integer> listening = listening(template.spec());
        TargetSpec derived = EnvironmentTarget.of(template.spec(), slug, name, catalog.list());
        RuntimeException last = null;
        for (int attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> insert(template, slug, name, lifetime, listening, derived));
                LOG.infof("environment %s created", name);
                return;
            } catch (DeploymentRefused | CatalogException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e; // most likely a port another replica took meanwhile
                LOG.debugf(e, "creating environment %s: attempt %d failed", name, attempt);
            }
        }
        throw last;
    }

    private void insert(
            CatalogTarget template,
            String slug,
            String name,
            Duration lifetime,
            Set<Integer> listening,
            TargetSpec derived) {
        Target.findById(template.name(), LockModeType.PESSIMISTIC_WRITE);
        if (Environment.byTarget(name).isPresent()) {
            return; // another request created it meanwhile
        }
        EnvironmentsSpec spec = template.spec().environments();
        refuseFull(template);
        Map<String, Integer> ports;
        try {
            ports = PortPicker.pick(
                    spec.ranges(), r -> new HashSet<>(EnvironmentPort.heldBetween(r.first(), r.last())), listening);
        } catch (PortPicker.Exhausted e) {
            throw new DeploymentRefused(DeploymentRefused.Kind.CONFLICT, e.getMessage());
        }
        Environment env = new Environment();
        env.target = name;
        env.template = template.name();
        env.slug = slug;
        env.state = Environment.State.ACTIVE;
        env.ttlSeconds = lifetime.toSeconds();
        env.createdAt = clock.instant();
        env.expiresAt = env.createdAt.plus(lifetime);
        env.url = spec.urlOf(slug, template.spec().ssh().hosts().get(0), ports);
        env.persist();
        ports.forEach((service, port) -> {
            EnvironmentPort held = new EnvironmentPort();
            held.port = port;
            held.target = name;
            held.service = service;
            held.persist();
        });
        Environment.flush();
        targets.save(derived);
    }

    /** 409 when the template has {@code max} environments already. */
    private static void refuseFull(CatalogTarget template) {
        long count = Environment.countOfTemplate(template.name());
        if (count >= template.spec().environments().effectiveMax()) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.CONFLICT,
                    "template '" + template.name() + "' has " + count + " environments, its max; delete one first");
        }
    }

    /** An environment deployed again follows its template's current definition (hosts, files, registry). */
    private void refresh(CatalogTarget template, String slug, String name) {
        TargetSpec derived = EnvironmentTarget.of(template.spec(), slug, name, catalog.list());
        QuarkusTransaction.requiringNew().run(() -> targets.save(derived));
    }

    /** The ports something listens on, on any host of the template. */
    private static Set<Integer> listening(TargetSpec template) {
        Set<Integer> ports = new HashSet<>();
        for (String host : template.ssh().hosts()) {
            try {
                ports.addAll(ListeningPorts.on(host, template.ssh()));
            } catch (RuntimeException e) {
                throw new DeploymentRefused(
                        DeploymentRefused.Kind.UNAVAILABLE,
                        "cannot read which ports are free on " + host + ": " + e.getMessage()
                                + "; nothing was created, try again");
            }
        }
        return ports;
    }
}
