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

/** A stored target: its spec as JSON, where it came from, and whether it is paused. */
@Entity
@Table(name = "target")
public class Target extends PanacheEntityBase {

    /** Where a target is defined; a file-defined target can only be changed by editing its file. */
    public enum Source {
        FILE,
        API
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
        return findByIdOptional(name);
    }

    public static List<Target> allByName() {
        return list("order by name");
    }

    public static List<Target> fromFiles() {
        return list("source", Source.FILE);
    }

    public TargetSpec toSpec() {
        return SpecBinder.fromStoredJson(spec);
    }
}
