package io.keelson.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One line of a deployment's log, kept so the log survives restarts. */
@Entity
@Table(name = "deployment_log")
public class LogLine extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "log_seq")
    @SequenceGenerator(name = "log_seq", sequenceName = "deployment_log_seq", allocationSize = 50)
    public Long id;

    @Column(name = "deployment_id")
    public String deploymentId;

    @Column(name = "logged_at")
    public Instant loggedAt;

    public String line;

    /** Adds one line at the end of a deployment's log; must run inside a transaction. */
    static void append(String deploymentId, Instant at, String text) {
        LogLine row = new LogLine();
        row.deploymentId = deploymentId;
        row.loggedAt = at;
        row.line = text;
        row.persist();
    }

    public static List<String> linesOf(String deploymentId) {
        return LogLine.<LogLine>find("deploymentId = ?1 order by id", deploymentId).stream()
                .map(l -> l.line)
                .toList();
    }

    /** Lines after the first {@code skip}, for following a log as it grows. */
    public static List<String> linesAfter(String deploymentId, int skip) {
        return LogLine.<LogLine>find("deploymentId = ?1 order by id", deploymentId).range(skip, skip + 999).stream()
                .map(l -> l.line)
                .toList();
    }
}
