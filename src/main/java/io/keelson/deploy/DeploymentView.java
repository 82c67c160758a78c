package io.keelson.deploy;

import io.keelson.catalog.Redactor;
import io.keelson.strategy.UnitChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A deployment with its changes and log, read in one transaction and safe to hand out. The log is
 * bounded ({@link #ANSWER_LOG_BYTES}; a note at its end says where the rest is), and null in lists,
 * so no answer grows with the logs it could carry.
 */
public record DeploymentView(
        String id,
        String target,
        Trigger trigger,
        Status status,
        String requestedBy,
        String reason,
        Pipeline pipeline,
        PolicyOverride override,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String error,
        List<UnitChange> changes,
        List<String> log) {

    /** The most log text one deployment answer carries; the rest is read page by page from {@code /log}. */
    public static final int ANSWER_LOG_BYTES = 256 * 1024;

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
                d.override(),
                d.createdAt,
                d.startedAt,
                d.finishedAt,
                d.error,
                List.of(),
                List.of());
    }

    static DeploymentView of(Deployment d) {
        LogPage head = LogLine.head(d.id, ANSWER_LOG_BYTES);
        List<String> log = head.lines();
        if (head.more()) {
            log = new ArrayList<>(log);
            log.add("[" + (head.total() - head.next()) + " more lines: GET /api/v1/deployments/" + d.id + "/log?from="
                    + head.next() + "]");
        }
        return summaryOf(d).with(d.error, changesOf(DeploymentChange.of(d.id)), log);
    }

    /** The deployment and its changes, with no log ({@code null}). */
    static DeploymentView withoutLog(Deployment d) {
        return summaryOf(d).with(d.error, changesOf(DeploymentChange.of(d.id)), null);
    }

    /** Rows for a list (history): their changes read in one query for all of them, no log ({@code null}). */
    static List<DeploymentView> listOf(List<Deployment> rows) {
        Map<String, List<DeploymentChange>> changes =
                DeploymentChange.ofAll(rows.stream().map(d -> d.id).toList()).stream()
                        .collect(Collectors.groupingBy(c -> c.deploymentId));
        return rows.stream()
                .map(d -> summaryOf(d).with(d.error, changesOf(changes.getOrDefault(d.id, List.of())), null))
                .toList();
    }

    private static List<UnitChange> changesOf(List<DeploymentChange> rows) {
        return rows.stream()
                .map(c -> new UnitChange(c.host, c.unit, c.image, c.fromImage, c.fromDigest, c.toDigest, c.status))
                .toList();
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
                override,
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
                log == null ? null : log.stream().map(redactor::scrub).toList());
    }
}
