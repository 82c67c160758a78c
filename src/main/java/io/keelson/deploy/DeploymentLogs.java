package io.keelson.deploy;

import io.keelson.catalog.Redactor;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Reads of deployment logs, always bounded and with every known secret masked. */
@ApplicationScoped
public class DeploymentLogs {

    private final Redactor redactor;

    public DeploymentLogs(Redactor redactor) {
        this.redactor = redactor;
    }

    /** A page of the log (see {@link LogLine#page}), secrets masked; empty when there is no such deployment. */
    public Optional<LogPage> logPage(String id, int from, int limit, int maxBytes) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Deployment.byId(id).map(d -> LogLine.page(id, from, limit, maxBytes)))
                .map(page -> page.map(redactor::scrub));
    }

    /** Log lines after the first {@code skip}, and whether the deployment has ended (read first, so no line is missed). */
    public record LogChunk(List<String> lines, boolean ended) {}

    public LogChunk logAfter(String id, int skip, int maxBytes) {
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean ended = Deployment.byId(id).map(d -> d.status.isFinal()).orElse(true);
            return new LogChunk(
                    LogLine.page(id, skip, Integer.MAX_VALUE, maxBytes).lines().stream()
                            .map(redactor::scrub)
                            .toList(),
                    ended);
        });
    }
}
