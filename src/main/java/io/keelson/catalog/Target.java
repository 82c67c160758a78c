package io.keelson.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A stored target: its spec as JSON, where it came from, and whether it is paused. A paused target
 * that is removed stays as a {@link Source#REMOVED} row, which no finder but {@link #removed} sees,
 * so that it comes back paused.
 */
@Entity
@Table(name = "target")
public class Target extends PanacheEntityBase {

    /** Where a target is defined; a file-defined target can only be changed by editing its file. */
    public enum Source {
        FILE,
        API,
        /**
         * Made by a template's {@code environments} block for one slug, and changed or removed only
         * through the template's environments endpoints.
         */
        ENVIRONMENT,
        /**
         * Defined nowhere any more, but paused when it was removed: a target of that name that comes
         * back (its file restored, or created again) starts paused, so a watch target paused by a
         * rollback does not re-deploy what the operator undid.
         */
        REMOVED
    }

    @Id
    public String name;

    public String strategy;

    @Enumerated(EnumType.STRING)
    public Source source;

    @Column(name = "source_file")
    public String sourceFile;

    public String spec;
    public boolean paused;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<Target> byName(String name) {
        return Target.<Target>findByIdOptional(name).filter(row -> row.source != Source.REMOVED);
    }

    public static List<Target> allByName() {
        return list("source <> ?1 order by name", Source.REMOVED);
    }

    public static List<Target> fromFiles() {
        return list("source", Source.FILE);
    }

    /** What is left of a paused target that was removed, if {@code name} is one. */
    public static Optional<Target> removed(String name) {
        return Target.<Target>findByIdOptional(name).filter(row -> row.source == Source.REMOVED);
    }

    /** Writes the definition; the caller persists a new row. */
    void define(TargetSpec definition, Instant now) {
        strategy = definition.strategy();
        spec = SpecBinder.toJson(definition);
        updatedAt = now;
    }

    public TargetSpec toSpec() {
        return SpecBinder.fromStoredJson(spec);
    }
}
