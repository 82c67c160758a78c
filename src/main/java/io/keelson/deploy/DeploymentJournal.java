package io.keelson.deploy;

import io.keelson.strategy.Progress;
import io.keelson.strategy.UnitChange;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Writes what a running deployment does to the database as it happens, each line and change in
 * its own transaction, so followers see it live and a crash loses nothing already done.
 */
final class DeploymentJournal implements Progress {

    private static final Logger LOG = Logger.getLogger(DeploymentJournal.class);
    private static final int MAX_LINE = 4000;

    private final String deploymentId;
    private final String target;
    private final Clock clock;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    DeploymentJournal(String deploymentId, String target, Clock clock) {
        this.deploymentId = deploymentId;
        this.target = target;
        this.clock = clock;
    }

    @Override
    public void log(String line) {
        String clean = scrub(line);
        String stored = clean.length() > MAX_LINE ? clean.substring(0, MAX_LINE - 1) + "…" : clean;
        LOG.infof("deployment %s (%s): %s", deploymentId, target, stored);
        QuarkusTransaction.requiringNew().run(() -> {
            LogLine row = new LogLine();
            row.deploymentId = deploymentId;
            row.loggedAt = clock.instant();
            row.line = stored;
            row.persist();
        });
    }

    @Override
    public void record(UnitChange change) {
        QuarkusTransaction.requiringNew().run(() -> {
            DeploymentChange row = DeploymentChange.of(deploymentId, change.host(), change.unit()).orElseGet(DeploymentChange::new);
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
        });
    }

    @Override
    public void redact(String secret) {
        if (secret != null && secret.length() >= 4) {
            secrets.add(secret);
        }
    }

    private String scrub(String line) {
        String out = line;
        for (String secret : secrets) {
            out = out.replace(secret, "********");
        }
        return out;
    }
}
