package io.keelson.deploy;

import io.keelson.catalog.Redactor;
import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes what a running deployment does to the database as it happens, so followers see it live
 * and a crash loses nothing already done. Two promises hold whatever the database does: a write
 * that fails never stops the deployment (the line or change waits and is written with the next one
 * that succeeds, and the log says how many lines were lost if it never does), and one noisy command
 * cannot fill the database (past {@code logHeadLines}, only the last {@code logTailLines} are kept).
 */
final class DeploymentJournal implements Progress {

    private static final Logger LOG = Logger.getLogger(DeploymentJournal.class);
    private static final int MAX_LINE = 4000;
    /** Lines held while the database refuses writes; older ones are counted as lost. */
    private static final int MAX_PENDING = 2000;

    private final String deploymentId;
    private final String target;
    private final Clock clock;
    private final DeployConfig limits;
    private final Redactor redactor;
    private final Runnable linesWritten;
    private final Deque<LogLine> pending = new ArrayDeque<>();
    private final Map<String, UnitChange> pendingChanges = new LinkedHashMap<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private int written;
    private long leftOut;
    private long lost;
    private boolean tailMode;

    /** @param linesWritten told after lines reach the database, so followers of the log read them */
    DeploymentJournal(
            String deploymentId,
            String target,
            Clock clock,
            DeployConfig limits,
            Redactor redactor,
            Runnable linesWritten) {
        this.linesWritten = linesWritten;
        this.deploymentId = deploymentId;
        this.target = target;
        this.clock = clock;
        this.limits = limits;
        this.redactor = redactor;
    }

    /**
     * Names the container on the unit's change row. Written at once; if the database refuses it, a
     * repair finds no record that this container passed, and puts the old one back (the safe side).
     */
    @Override
    public synchronized void created(String host, String unit, String containerId) {
        flushChanges();
        try {
            JournalWrites.nameContainer(deploymentId, host, unit, containerId);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "deployment %s (%s): the new container of %s on %s could not be recorded (%s)",
                    deploymentId, target, unit, host, e.getMessage());
        }
    }

    String deploymentId() {
        return deploymentId;
    }

    @Override
    public synchronized void log(String line) {
        String clean = scrub(line);
        String stored = clean.length() > MAX_LINE ? clean.substring(0, MAX_LINE - 1) + "…" : clean;
        LOG.infof("deployment %s (%s): %s", deploymentId, target, stored);
        if (written >= limits.logHeadLines() && !tailMode) {
            keepInTail(stored);
            return;
        }
        append(stored);
    }

    @Override
    public synchronized void record(UnitChange change) {
        pendingChanges.put(change.host() + "\u0000" + change.unit(), change);
        flushChanges();
    }

    @Override
    public void redact(String secret) {
        redactor.register(secret);
    }

    /**
     * Scrubs a text (a log line, the deployment's error) of every secret Keelson knows, after taking
     * out the escape sequences and control characters a host may have sent ({@link PrintableText}).
     */
    String scrub(String text) {
        return redactor.scrub(PrintableText.of(text));
    }

    /**
     * Writes what is still held: the tail of a long log (after a line saying how much was left out),
     * lines and changes the database refused earlier. From here on, lines are written as they come.
     */
    synchronized void close() {
        tailMode = true;
        if (leftOut > 0) {
            append("… " + leftOut + " log lines left out here (the log keeps its first " + limits.logHeadLines()
                    + " and last " + limits.logTailLines() + " lines) …");
        }
        while (!tail.isEmpty()) {
            append(tail.pollFirst());
        }
        flushChanges();
        flushLines();
        if (!pending.isEmpty() || lost > 0) {
            long missing = pending.size() + lost;
            LOG.errorf(
                    "deployment %s (%s): %d log lines could not be written to the database; they are in this log above",
                    deploymentId, target, missing);
            lost = 0;
            pending.clear();
        }
    }

    /** Whether every change this journal was given is in the database. */
    synchronized boolean changesWritten() {
        flushChanges();
        return pendingChanges.isEmpty();
    }

    private void keepInTail(String line) {
        if (leftOut == 0 && tail.isEmpty()) {
            append("log: more than " + limits.logHeadLines() + " lines; the last " + limits.logTailLines()
                    + " are written when the deployment ends");
        }
        tail.addLast(line);
        if (tail.size() > limits.logTailLines()) {
            tail.pollFirst();
            leftOut++;
        }
    }

    private void append(String line) {
        LogLine row = new LogLine();
        row.deploymentId = deploymentId;
        row.loggedAt = clock.instant();
        row.line = line;
        pending.addLast(row);
        if (pending.size() > MAX_PENDING) {
            pending.pollFirst();
            lost++;
        }
        flushLines();
    }

    private void flushLines() {
        if (pending.isEmpty()) {
            return;
        }
        boolean hadLost = lost > 0;
        try {
            List<LogLine> rows = List.copyOf(pending);
            long lostNow = lost;
            JournalWrites.persistLines(
                    rows,
                    lostNow > 0
                            ? lostNow
                                    + " log lines were lost while the database refused writes; Keelson's own log has them"
                            : null);
            written += rows.size();
            pending.clear();
            lost = 0;
            linesWritten.run();
        } catch (RuntimeException e) {
            if (!hadLost && pending.size() == 1) {
                LOG.warnf(
                        "deployment %s (%s): the database refused a log line (%s); holding lines and going on",
                        deploymentId, target, e.getMessage());
            }
        }
    }

    private void flushChanges() {
        if (pendingChanges.isEmpty()) {
            return;
        }
        try {
            JournalWrites.persistChanges(deploymentId, List.copyOf(pendingChanges.values()));
            pendingChanges.clear();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "deployment %s (%s): the database refused a change record (%s); holding it and going on",
                    deploymentId, target, e.getMessage());
        }
    }
}
