package io.keelson.deploy;

import io.keelson.registry.ImageRef;
import io.keelson.strategy.ChangeStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One unit's change within a deployment: host, unit, image, and the digests before and after. */
@Entity
@Table(name = "deployment_change")
public class DeploymentChange extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "change_seq")
    @SequenceGenerator(name = "change_seq", sequenceName = "deployment_change_seq", allocationSize = 50)
    public Long id;

    @Column(name = "deployment_id")
    public String deploymentId;

    public String host;
    public String unit;
    public String image;

    @Column(name = "from_image")
    public String fromImage;

    @Column(name = "from_digest")
    public String fromDigest;

    @Column(name = "to_digest")
    public String toDigest;

    @Enumerated(EnumType.STRING)
    public ChangeStatus status;

    /** The container this change created, where it created one (watch, ssh-docker): what a repair asks about. */
    @Column(name = "container_id")
    public String containerId;

    public static List<DeploymentChange> of(String deploymentId) {
        return list("deploymentId = ?1 order by id", deploymentId);
    }

    /** The changes of several deployments in one query, in the order they were recorded. */
    public static List<DeploymentChange> ofAll(List<String> deploymentIds) {
        return deploymentIds.isEmpty() ? List.of() : list("deploymentId in ?1 order by id", deploymentIds);
    }

    /** Changes of a target's recent deployments that failed or were rolled back (not those a crash cut off). */
    public static List<DeploymentChange> failedOf(String target) {
        return getEntityManager()
                .createQuery(
                        "select c from DeploymentChange c, Deployment d where d.id = c.deploymentId and d.target = ?1"
                                + " and c.status in (?2, ?3) and d.status <> ?4 order by c.id desc",
                        DeploymentChange.class)
                .setParameter(1, target)
                .setParameter(2, ChangeStatus.FAILED)
                .setParameter(3, ChangeStatus.ROLLED_BACK)
                .setParameter(4, Status.INTERRUPTED)
                .setMaxResults(500)
                .getResultList();
    }

    /**
     * A target's newest changes, newest deployment first (ids sort in submission order on every replica;
     * change ids do not, since replicas draw them in blocks).
     */
    public static List<DeploymentChange> newestOf(String target, int limit) {
        return getEntityManager()
                .createQuery(
                        "select c from DeploymentChange c, Deployment d where d.id = c.deploymentId and d.target = ?1"
                                + " order by d.id desc, c.id desc",
                        DeploymentChange.class)
                .setParameter(1, target)
                .setMaxResults(limit)
                .getResultList();
    }

    public static Optional<DeploymentChange> of(String deploymentId, String host, String unit) {
        return find("deploymentId = ?1 and host = ?2 and unit = ?3", deploymentId, host, unit)
                .firstResultOptional();
    }

    /** Whether the change that created this container on this host recorded it as having passed its gate. */
    public static boolean passedWith(String containerId, String host, String unit) {
        return count(
                        "containerId = ?1 and host = ?2 and unit = ?3 and status = ?4",
                        containerId,
                        host,
                        unit,
                        ChangeStatus.SUCCEEDED)
                > 0;
    }

    /** How far back {@link #repositoriesOf} looks: the newest this many changes of the target. */
    static final int REPOSITORIES_SEARCHED = 1000;

    /** The repositories (image references without tag or digest) this target's units have been deployed from, lately. */
    public static Set<String> repositoriesOf(String target) {
        Set<String> repositories = new HashSet<>();
        // The newest changes only: a request's cost must not grow with the target's whole history.
        newestOf(target, REPOSITORIES_SEARCHED).forEach(c -> {
            for (String image : new String[] {c.image, c.fromImage}) {
                if (image != null) {
                    ImageRef.tryParse(image).ifPresent(r -> repositories.add(r.repository()));
                }
            }
        });
        return repositories;
    }
}
