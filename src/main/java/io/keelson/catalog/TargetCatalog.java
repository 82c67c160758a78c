package io.keelson.catalog;

import io.keelson.cluster.ClusterLock;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The catalog of deploy targets: file-defined targets mirrored from the catalog folder, and
 * API-defined ones, both stored in the database. A broken file never removes the target it
 * defined last time: the last good version stays until the file is fixed or deleted.
 */
@ApplicationScoped
public class TargetCatalog {

    private static final Logger LOG = Logger.getLogger(TargetCatalog.class);

    private final CatalogConfig config;
    private final Clock clock;
    private final Event<CatalogChanged> changed;
    private final Redactor redactor;
    private final TargetValidator validator;

    public TargetCatalog(
            CatalogConfig config,
            Clock clock,
            Event<CatalogChanged> changed,
            Redactor redactor,
            TargetValidator validator) {
        this.validator = validator;
        this.redactor = redactor;
        this.config = config;
        this.clock = clock;
        this.changed = changed;
    }

    @Transactional
    void loadAtStart(@Observes StartupEvent event) {
        reload();
        Target.allByName().forEach(row -> redactor.learn(CatalogTarget.of(row).spec()));
    }

    /** Re-reads the catalog folder and mirrors it into the database. */
    @Transactional
    public ReloadReport reload() {
        ClusterLock.hold(ClusterLock.CATALOG); // replicas mirror the folder one at a time
        Path dir = Path.of(config.dir());
        CatalogFiles.Read read = CatalogFiles.read(dir, validator);
        List<CatalogProblem> problems = new ArrayList<>(read.problems());
        List<String> loaded = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (CatalogFiles.Entry entry : read.entries()) {
            Optional<Target> existing = Target.byName(entry.spec().name());
            if (existing.isPresent() && existing.get().source == Target.Source.API) {
                problems.add(new CatalogProblem(
                        entry.file(),
                        "name",
                        "'" + entry.spec().name()
                                + "' is already defined through the API; delete it there or rename the file's target"));
                continue;
            }
            Target row = existing.orElseGet(() -> newRow(entry.spec(), Target.Source.FILE));
            row.sourceFile = entry.file();
            write(row, entry.spec());
            if (existing.isEmpty()) {
                row.paused = Boolean.TRUE.equals(entry.spec().startsPaused());
                row.persist();
            }
            present.add(row.name);
            loaded.add(row.name);
        }
        Set<String> brokenFiles = new HashSet<>();
        problems.forEach(p -> brokenFiles.add(p.source()));
        List<String> removed = new ArrayList<>();
        for (Target row : Target.fromFiles()) {
            if (!present.contains(row.name) && !brokenFiles.contains(row.sourceFile)) {
                row.delete();
                removed.add(row.name);
            }
        }
        problems.forEach(p -> LOG.warnf("catalog: rejected %s", p));
        LOG.infof(
                "catalog: %d target(s) from %s, %d removed, %d problem(s)",
                loaded.size(), dir, removed.size(), problems.size());
        changed.fire(new CatalogChanged());
        return new ReloadReport(loaded, removed, problems);
    }

    @Transactional
    public List<CatalogTarget> list() {
        return Target.allByName().stream().map(CatalogTarget::of).toList();
    }

    @Transactional
    public Optional<CatalogTarget> find(String name) {
        return Target.byName(name).map(CatalogTarget::of);
    }

    @Transactional
    public CatalogTarget create(TargetSpec spec) {
        requireValid(spec);
        ClusterLock.hold(ClusterLock.CATALOG); // two replicas creating one name: the second sees the first
        if (Target.byName(spec.name()).isPresent()) {
            throw new CatalogException(
                    CatalogException.Kind.CONFLICT, "a target named '" + spec.name() + "' already exists");
        }
        Target row = newRow(spec, Target.Source.API);
        row.paused = Boolean.TRUE.equals(spec.startsPaused());
        write(row, spec);
        row.persist();
        changed.fire(new CatalogChanged());
        LOG.infof("catalog: created target %s through the API", spec.name());
        return CatalogTarget.of(row);
    }

    @Transactional
    public CatalogTarget update(String name, TargetSpec spec) {
        Target row = apiDefined(name, "changed");
        if (!name.equals(spec.name())) {
            throw CatalogException.invalid(
                    List.of(new CatalogProblem(null, "name", "must equal the name in the path ('" + name + "')")));
        }
        requireValid(spec);
        write(row, spec);
        changed.fire(new CatalogChanged());
        LOG.infof("catalog: updated target %s through the API", name);
        return CatalogTarget.of(row);
    }

    @Transactional
    public void delete(String name) {
        apiDefined(name, "deleted").delete();
        changed.fire(new CatalogChanged());
        LOG.infof("catalog: deleted target %s through the API", name);
    }

    @Transactional
    public CatalogTarget setPaused(String name, boolean paused) {
        Target row = Target.byName(name).orElseThrow(() -> CatalogException.notFound(name));
        row.paused = paused;
        row.updatedAt = clock.instant();
        changed.fire(new CatalogChanged());
        LOG.infof("catalog: target %s %s", name, paused ? "paused" : "resumed");
        return CatalogTarget.of(row);
    }

    private Target apiDefined(String name, String verb) {
        Target row = Target.byName(name).orElseThrow(() -> CatalogException.notFound(name));
        if (row.source == Target.Source.FILE) {
            throw new CatalogException(
                    CatalogException.Kind.CONFLICT,
                    "target '" + name + "' is defined in " + row.sourceFile + " and can only be " + verb
                            + " by editing that file");
        }
        return row;
    }

    private void requireValid(TargetSpec spec) {
        List<CatalogProblem> problems = validator.validate(spec);
        if (!problems.isEmpty()) {
            throw CatalogException.invalid(problems);
        }
    }

    private Target newRow(TargetSpec spec, Target.Source source) {
        Target row = new Target();
        row.name = spec.name();
        row.source = source;
        row.createdAt = clock.instant();
        return row;
    }

    private void write(Target row, TargetSpec spec) {
        redactor.learn(spec);
        row.strategy = spec.strategy();
        row.spec = SpecBinder.toJson(spec);
        row.updatedAt = Instant.now(clock);
    }
}
