package io.keelson.deploy;

import io.keelson.catalog.Redactor;
import io.keelson.strategy.UnitChange;
import java.time.Instant;
import java.util.List;

/** A deployment with its changes and log, read in one transaction and safe to hand out. */
public record DeploymentView(
        String id,
        String target,
        Trigger trigger,
        Status status,
        String requestedBy,
        String reason,
        Pipeline pipeline,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String error,
        List<UnitChange> changes,
        List<String> log) {

    /** The row alone, for lists: no changes and no log are read (a log may hold thousands of lines). */
    static DeploymentView summaryOf(Deployment d) {
        return new DeploymentView(
                d.id,
                d.target,
                d.trigger,
                d.status,
                d.requestedBy,
                d.reason,
                d.pipeline(),
                d.createdAt,
                d.startedAt,
                d.finishedAt,
                d.error,
                List.of(),
                List.of());
    }

    static DeploymentView of(Deployment d) {
        List<UnitChange> changes = DeploymentChange.of(d.id).stream()
                .map(c -> new UnitChange(c.host, c.unit, c.image, c.fromImage, c.fromDigest, c.toDigest, c.status))
                .toList();
        return summaryOf(d).with(d.error, changes, LogLine.linesOf(d.id));
    }

    private DeploymentView with(String error, List<UnitChange> changes, List<String> log) {
        return new DeploymentView(
                id,
                target,
                trigger,
                status,
                requestedBy,
                reason,
                pipeline,
                createdAt,
                startedAt,
                finishedAt,
                error,
                changes,
                log);
    }

    /** The same deployment with every secret Keelson knows masked in its error and log. */
    DeploymentView redacted(Redactor redactor) {
        return with(
                redactor.scrub(error),
                changes,
                log.stream().map(redactor::scrub).toList());
    }
}
