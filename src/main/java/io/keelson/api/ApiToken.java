package io.keelson.api;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A token Keelson generated itself; only its SHA-256 is stored. */
@Entity
@Table(name = "api_token")
public class ApiToken extends PanacheEntityBase {

    @Id
    public String name;

    public String sha256;
    public String role;

    @Column(name = "created_at")
    public Instant createdAt;

    public static List<ApiToken> all() {
        return listAll();
    }
}
