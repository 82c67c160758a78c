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
import java.util.ArrayList;
import java.util.List;

/** One line of a deployment's log, kept so the log survives restarts. */
@Entity
@Table(name = "deployment_log")
public class LogLine extends PanacheEntityBase {

    /** How many lines a page reads from the database at once. */
    private static final int READ_BATCH = 500;

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

    /**
     * The log as an answer may carry it: from its first line, at most {@code maxBytes} of text (at
     * least one line), so no answer and no reader's memory grows with a runaway log.
     */
    public static LogPage head(String deploymentId, int maxBytes) {
        return page(deploymentId, 0, Integer.MAX_VALUE, maxBytes);
    }

    /**
     * Lines {@code from} (0 = the first) onwards, at most {@code limit} lines and about {@code
     * maxBytes} of text (always at least one line when there is one), read a batch at a time.
     */
    public static LogPage page(String deploymentId, int from, int limit, int maxBytes) {
        long total = count("deploymentId", deploymentId);
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        int next = from;
        while (next < total && lines.size() < limit && bytes < maxBytes) {
            int want = Math.min(READ_BATCH, limit - lines.size());
            List<String> batch =
                    LogLine.<LogLine>find("deploymentId = ?1 order by id", deploymentId)
                            .range(next, next + want - 1)
                            .stream()
                            .map(l -> l.line)
                            .toList();
            if (batch.isEmpty()) {
                break;
            }
            for (String line : batch) {
                if (!lines.isEmpty() && bytes + line.length() + 1 > maxBytes) {
                    return new LogPage(lines, from, total);
                }
                lines.add(line);
                bytes += line.length() + 1;
            }
            next += batch.size();
        }
        return new LogPage(lines, from, total);
    }
}
