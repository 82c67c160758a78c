package io.keelson.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** When a watch target's next scheduled check is due, by the schedule it was computed from. */
@Entity
@Table(name = "watch_slot")
public class WatchSlot extends PanacheEntityBase {

    @Id
    public String target;

    /** {@code every <seconds>s} or {@code cron <expression>}: when it changes, the slot starts over. */
    public String schedule;

    @Column(name = "due_at")
    public Instant dueAt;
}
