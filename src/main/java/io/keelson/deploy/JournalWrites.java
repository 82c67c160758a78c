package io.keelson.deploy;

import io.keelson.strategy.UnitChange;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Instant;
import java.util.List;

/** The journal's database writes, each batch in its own transaction so a failure loses only that batch's attempt. */
final class JournalWrites {

    private JournalWrites() {}

    static void persistLines(List<LogLine> rows, String lostNote) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (lostNote != null) {
                LogLine note = new LogLine();
                note.deploymentId = rows.get(0).deploymentId;
                note.loggedAt = Instant.now();
                note.line = lostNote;
                note.persist();
            }
            for (LogLine row : rows) {
                LogLine copy = new LogLine(); // a fresh row: a failed attempt may have left an id on the old one
                copy.deploymentId = row.deploymentId;
                copy.loggedAt = row.loggedAt;
                copy.line = row.line;
                copy.persist();
            }
        });
    }

    /** Names the container a change created, on that change's row (which is written first). */
    static void nameContainer(String deploymentId, String host, String unit, String containerId) {
        QuarkusTransaction.requiringNew()
                .run(() ->
                        DeploymentChange.of(deploymentId, host, unit).ifPresent(row -> row.containerId = containerId));
    }

    static void persistChanges(String deploymentId, List<UnitChange> changes) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (UnitChange change : changes) {
                DeploymentChange row = DeploymentChange.of(deploymentId, change.host(), change.unit())
                        .orElseGet(DeploymentChange::new);
                row.deploymentId = deploymentId;
                row.host = change.host();
                row.unit = change.unit();
                row.image = change.image();
                row.fromImage = change.fromImage();
                row.fromDigest = change.fromDigest();
                row.toDigest = change.toDigest();
                row.status = change.status();
                if (row.id == null) {
                    row.persist();
                }
            }
        });
    }
}
