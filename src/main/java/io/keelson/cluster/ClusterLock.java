package io.keelson.cluster;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

/**
 * A named row whose lock makes a step happen once across replicas: whoever holds it until its
 * transaction ends sees what the others did before, and they see what it did. The names are
 * inserted by the schema migration.
 */
@Entity
@Table(name = "cluster_lock")
public class ClusterLock extends PanacheEntityBase {

    public static final String CATALOG = "catalog";
    public static final String TOKENS = "tokens";

    @Id
    public String name;

    /** Waits for, then holds, the lock until the caller's transaction ends; must run inside one. */
    public static void hold(String name) {
        if (getEntityManager().find(ClusterLock.class, name, LockModeType.PESSIMISTIC_WRITE) == null) {
            throw new IllegalStateException("no cluster lock named " + name + " in the database");
        }
    }
}
