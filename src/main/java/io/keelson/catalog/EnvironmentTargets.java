package io.keelson.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The targets review environments are: made from their template's definition, stored beside the
 * others (so history, rollback and pause work on them as on any target), and changed or removed
 * only by the environments they belong to.
 */
@ApplicationScoped
public class EnvironmentTargets {

    private final TargetCatalog catalog;
    private final TargetValidator validator;
    private final Redactor redactor;
    private final Clock clock;
    private final Event<CatalogChanged> changed;

    public EnvironmentTargets(
            TargetCatalog catalog,
            TargetValidator validator,
            Redactor redactor,
            Clock clock,
            Event<CatalogChanged> changed) {
        this.catalog = catalog;
        this.validator = validator;
        this.redactor = redactor;
        this.clock = clock;
        this.changed = changed;
    }

    /**
     * Creates or refreshes an environment's target; it is validated like any target and must
     * overlap no other (a folder or project of a target already there is refused).
     */
    @Transactional
    public CatalogTarget save(TargetSpec spec) {
        List<CatalogProblem> problems = new ArrayList<>(validator.validate(spec));
        if (problems.isEmpty()) {
            List<TargetSpec> others = Target.allByName().stream()
                    .filter(row -> !row.name.equals(spec.name()))
                    .map(Target::toSpec)
                    .toList();
            TargetOverlap.with(spec, others).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw CatalogException.invalid(problems);
        }
        Optional<Target> existing = Target.byName(spec.name());
        if (existing.isPresent() && existing.get().source != Target.Source.ENVIRONMENT) {
            throw new CatalogException(
                    CatalogException.Kind.CONFLICT,
                    "a target named '" + spec.name() + "' exists and is not a review environment");
        }
        Target row = existing.orElseGet(() -> catalog.newRow(spec, Target.Source.ENVIRONMENT));
        redactor.learn(spec);
        row.define(spec, clock.instant());
        row.persist();
        changed.fire(new CatalogChanged());
        return CatalogTarget.of(row);
    }

    /** Removes the target of an environment that is gone (paused or not); its deployments stay readable. */
    @Transactional
    public void remove(String name) {
        Target.<Target>findByIdOptional(name)
                .filter(row -> row.source == Target.Source.ENVIRONMENT)
                .ifPresent(row -> {
                    row.delete();
                    changed.fire(new CatalogChanged());
                });
    }
}
