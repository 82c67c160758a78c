package io.keelson.policy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** When Keelson first saw one image digest; written once, never changed (see {@link Sightings}). */
@Entity
@Table(name = "digest_sighting")
public class DigestSighting extends PanacheEntityBase {

    @Id
    public String digest;

    @Column(name = "first_seen")
    public Instant firstSeen;
}
