package io.keelson.deploy;

import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The progress of a check that may find nothing to do: the deployment record is opened only when the
 * strategy logs a line or records a change, so a quiet check leaves nothing behind. Notes made before
 * that open the record's log; the notes of a check that stays quiet are handed back for Keelson's own log.
 */
final class OnFirstChange implements Progress {

    private final Supplier<DeploymentJournal> open;
    private final List<String> notes = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private DeploymentJournal journal;

    OnFirstChange(Supplier<DeploymentJournal> open) {
        this.open = open;
    }

    @Override
    public synchronized void log(String line) {
        opened().log(line);
    }

    @Override
    public synchronized void note(String line) {
        if (journal != null) {
            journal.log(line);
        } else {
            notes.add(line);
        }
    }

    @Override
    public synchronized void record(UnitChange change) {
        opened().record(change);
    }

    @Override
    public synchronized void redact(String secret) {
        if (journal != null) {
            journal.redact(secret);
        } else {
            secrets.add(secret);
        }
    }

    @Override
    public synchronized void created(String host, String unit, String containerId) {
        opened().created(host, unit, containerId);
    }

    /** The journal, if the check changed something. */
    synchronized DeploymentJournal journal() {
        return journal;
    }

    /** The notes of a check that stayed quiet, for Keelson's own log: scrubbed like any journal line. */
    synchronized List<String> quietNotes(UnaryOperator<String> scrub) {
        return notes.stream().map(scrub).toList();
    }

    private DeploymentJournal opened() {
        if (journal == null) {
            journal = open.get();
            secrets.forEach(journal::redact);
            notes.forEach(journal::log);
        }
        return journal;
    }
}
