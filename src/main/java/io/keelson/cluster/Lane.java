package io.keelson.cluster;

import com.github.f4b6a3.ulid.Ulid;
import com.github.f4b6a3.ulid.UlidCreator;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A target's lane: which replica works it until when, and the newest id handed out on it. */
@Entity
@Table(name = "lane")
public class Lane extends PanacheEntityBase {

    @Id
    public String target;

    public String holder;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    /** Bumped at every take-over by another replica (or after a release): a holder's proof it is still the one. */
    public long fence;

    @Column(name = "last_id")
    public String lastId;

    /**
     * A new id for work on this lane, later than every id handed out on it before, on any replica:
     * ULIDs are monotonic only within one process, and two replicas may draw the same millisecond.
     * The caller holds the lane's row lock ({@link Leases#lock}), so no one draws in between.
     */
    public String nextId() {
        Ulid fresh = UlidCreator.getMonotonicUlid();
        if (lastId != null) {
            Ulid last = Ulid.from(lastId);
            if (fresh.compareTo(last) <= 0) {
                fresh = last.increment();
            }
        }
        lastId = fresh.toString();
        return lastId;
    }
}
