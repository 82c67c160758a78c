package io.keelson.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.Pipeline;
import io.keelson.strategy.UnitChange;
import java.time.Instant;
import java.util.List;

/** A deployment exactly as the contract shows it; every field is present, null when it does not apply. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeploymentJson(
        String id,
        String target,
        String trigger,
        String status,
        String requestedBy,
        String reason,
        PipelineJson pipeline,
        OverrideJson override,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String error,
        List<ChangeJson> changes,
        List<String> log) {

    /** One unit's change. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChangeJson(
            String host,
            String unit,
            String image,
            String fromDigest,
            String toDigest,
            String status,
            String fromImage) {
        static ChangeJson from(UnitChange c) {
            return new ChangeJson(
                    c.host(),
                    c.unit(),
                    c.image(),
                    c.fromDigest(),
                    c.toDigest(),
                    c.status().name(),
                    c.fromImage());
        }
    }

    public static DeploymentJson from(DeploymentView d) {
        return new DeploymentJson(
                d.id(),
                d.target(),
                d.trigger().name(),
                d.status().name(),
                d.requestedBy(),
                d.reason(),
                PipelineJson.from(d.pipeline()),
                d.override() == null
                        ? null
                        : new OverrideJson(d.override().reason(), d.override().by()),
                d.createdAt(),
                d.startedAt(),
                d.finishedAt(),
                d.error(),
                d.changes().stream().map(ChangeJson::from).toList(),
                d.log());
    }

    /** The operator's pass through the target's windows and freezes: why, and who. */
    public record OverrideJson(String reason, String by) {}

    /** The pipeline that asked, as it reported itself. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PipelineJson(String project, String id, String commit, String ref, String url, String job) {
        static PipelineJson from(Pipeline p) {
            return p == null ? null : new PipelineJson(p.project(), p.id(), p.commit(), p.ref(), p.url(), p.job());
        }

        /** What a request body says of its pipeline; only an ID token's claims give the job. */
        Pipeline toPipeline() {
            return new Pipeline(project, id, commit, ref, url, null);
        }
    }
}
