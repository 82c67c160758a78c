package io.keelson.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A watch check waiting on its target's lane. At most one per target: a later request joins it,
 * so a burst of registry webhooks becomes one check of every image they named.
 */
@Entity
@Table(name = "check_request")
public class CheckRequest extends PanacheEntityBase {

    @Id
    public String target;

    /** From the lane's ids, so it takes its place among the target's queued deployments. */
    public String id;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_kind")
    public Trigger trigger;

    /** A JSON list of image references; empty means every watched image. */
    public String images;

    @Column(name = "requested_by")
    public String requestedBy;
}
