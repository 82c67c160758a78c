package io.keelson.catalog;

import io.keelson.cluster.ClusterLock;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The catalog of deploy targets: file-defined targets mirrored from the catalog folder, and
 * API-defined ones, both stored in the database. A broken file never removes the target it
 * defined last time: the last good version stays until the file is fixed or deleted; a folder that
 * is missing, unreadable or (unless confirmed) empty changes nothing at all.
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
        return reload(false);
    }

    /**
     * The same; with {@code emptyConfirmed}, a catalog folder that holds no file removes every
     * file-defined target, which without it is taken for a folder not (yet) in place.
     */
    @Transactional
    public ReloadReport reload(boolean emptyConfirmed) {
        return reload(Path.of(config.dir()), emptyConfirmed);
    }

    @Transactional
    ReloadReport reload(Path dir, boolean emptyConfirmed) {
        ClusterLock.hold(ClusterLock.CATALOG); // replicas mirror the folder one at a time
        CatalogFiles.Read read = CatalogFiles.read(dir, validator);
        Optional<CatalogProblem> refused = folderRefused(dir, read, emptyConfirmed);
        if (refused.isPresent()) {
            LOG.warnf("catalog: %s; no target was changed", refused.get());
            return new ReloadReport(List.of(), List.of(), List.of(refused.get()));
        }
        List<CatalogProblem> problems = new ArrayList<>(read.problems());
        Set<String> brokenFiles = new HashSet<>();
        problems.forEach(p -> brokenFiles.add(p.source()));
        List<TargetSpec> kept = keptBeside(read, brokenFiles);
        List<String> loaded = new ArrayList<>();
        for (CatalogFiles.Entry entry : read.entries()) {
            Optional<CatalogProblem> refusal = refusal(entry, kept);
            if (refusal.isPresent()) {
                problems.add(refusal.get());
                brokenFiles.add(entry.file());
                continue;
            }
            Target row = Target.byName(entry.spec().name()).orElseGet(() -> newRow(entry.spec(), Target.Source.FILE));
            row.sourceFile = entry.file();
            write(row, entry.spec());
            row.persist();
            loaded.add(row.name);
        }
        List<String> removed = new ArrayList<>();
        for (Target row : Target.fromFiles()) {
            if (!loaded.contains(row.name) && !brokenFiles.contains(row.sourceFile)) {
                retire(row);
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

    /**
     * Why this read must change nothing: a folder that is missing or cannot be listed says nothing
     * about which targets are gone, and an empty one is more often a mount not in place than a
     * catalog emptied on purpose.
     */
    private static Optional<CatalogProblem> folderRefused(Path dir, CatalogFiles.Read read, boolean emptyConfirmed) {
        if (read.folder() == CatalogFiles.Folder.UNREADABLE) {
            return read.problems().stream().findFirst();
        }
        int fileTargets = Target.fromFiles().size();
        if (read.folder() == CatalogFiles.Folder.EMPTY && !emptyConfirmed && fileTargets > 0) {
            return Optional.of(new CatalogProblem(
                    dir.toString(),
                    "",
                    "catalog folder holds no target file; the " + fileTargets
                            + " file-defined target(s) are kept. If the files were removed on purpose,"
                            + " POST /api/v1/targets/reload?allowEmpty=true"));
        }
        return Optional.empty();
    }

    /** The targets a file's target must not overlap besides the folder's own: API-defined ones, and broken files' last good versions. */
    private static List<TargetSpec> keptBeside(CatalogFiles.Read read, Set<String> brokenFiles) {
        Set<String> inFiles = new HashSet<>();
        read.entries().forEach(entry -> inFiles.add(entry.spec().name()));
        return Target.allByName().stream()
                .filter(row -> row.source == Target.Source.API
                        || (brokenFiles.contains(row.sourceFile) && !inFiles.contains(row.name)))
                .map(Target::toSpec)
                .toList();
    }

    /** Why a valid file's target is not loaded: its name is taken through the API, or it overlaps a kept target. */
    private static Optional<CatalogProblem> refusal(CatalogFiles.Entry entry, List<TargetSpec> kept) {
        Optional<Target> existing = Target.byName(entry.spec().name());
        if (existing.isPresent() && existing.get().source == Target.Source.API) {
            return Optional.of(new CatalogProblem(
                    entry.file(),
                    "name",
                    "'" + entry.spec().name()
                            + "' is already defined through the API; delete it there or rename the file's target"));
        }
        return TargetOverlap.with(entry.spec(), kept).map(problem -> problem.in(entry.file()));
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
        ClusterLock.hold(
                ClusterLock
                        .CATALOG); // two replicas creating one name or overlapping targets: the second sees the first
        requireValid(spec);
        if (Target.byName(spec.name()).isPresent()) {
            throw new CatalogException(
                    CatalogException.Kind.CONFLICT, "a target named '" + spec.name() + "' already exists");
        }
        Target row = newRow(spec, Target.Source.API);
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
        ClusterLock.hold(ClusterLock.CATALOG);
        requireValid(spec);
        write(row, spec);
        changed.fire(new CatalogChanged());
        LOG.infof("catalog: updated target %s through the API", name);
        return CatalogTarget.of(row);
    }

    @Transactional
    public void delete(String name) {
        retire(apiDefined(name, "deleted"));
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
        if (row.source == Target.Source.ENVIRONMENT) {
            int split = name.lastIndexOf(EnvironmentsSpec.SEPARATOR);
            throw new CatalogException(
                    CatalogException.Kind.CONFLICT,
                    "target '" + name + "' is a review environment and can only be " + verb
                            + " through its template: DELETE /api/v1/targets/" + name.substring(0, Math.max(0, split))
                            + "/environments/" + name.substring(split + EnvironmentsSpec.SEPARATOR.length()));
        }
        if (row.source == Target.Source.FILE) {
            throw new CatalogException(
                    CatalogException.Kind.CONFLICT,
                    "target '" + name + "' is defined in " + row.sourceFile + " and can only be " + verb
                            + " by editing that file");
        }
        return row;
    }

    /** Valid on its own, and overlapping no other target (the API answers 400 either way). */
    private void requireValid(TargetSpec spec) {
        List<CatalogProblem> problems = new ArrayList<>(validator.validate(spec));
        if (problems.isEmpty()) {
            List<TargetSpec> others =
                    Target.allByName().stream().map(Target::toSpec).toList();
            TargetOverlap.with(spec, others).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw CatalogException.invalid(problems);
        }
    }

    /**
     * A row for a target defined now. A paused target removed earlier under the same name comes back
     * paused, whatever its definition says; otherwise {@code paused: true} starts it paused.
     */
    Target newRow(TargetSpec spec, Target.Source source) {
        Optional<Target> removed = Target.removed(spec.name());
        Target row = removed.orElseGet(Target::new);
        row.name = spec.name();
        row.source = source;
        row.sourceFile = null;
        row.createdAt = clock.instant();
        row.paused = removed.isPresent() || Boolean.TRUE.equals(spec.startsPaused());
        if (removed.isPresent()) {
            LOG.infof("catalog: target %s is back and stays paused, as it was when it was removed", spec.name());
        }
        return row;
    }

    /** Removes a target; a paused one stays as a {@link Target.Source#REMOVED} row so it comes back paused. */
    private void retire(Target row) {
        if (!row.paused) {
            row.delete();
            return;
        }
        row.source = Target.Source.REMOVED;
        row.sourceFile = null;
        row.updatedAt = clock.instant();
        LOG.infof("catalog: target %s removed while paused; a target of that name will start paused", row.name);
    }

    private void write(Target row, TargetSpec spec) {
        redactor.learn(spec);
        row.define(spec, clock.instant());
    }
}
