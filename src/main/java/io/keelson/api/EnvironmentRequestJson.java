package io.keelson.api;

import io.keelson.catalog.EnvironmentsSpec;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The body of {@code PUT /targets/{name}/environments/{slug}}: a deployment's, and the environment's lifetime. */
public record EnvironmentRequestJson(
        List<String> services,
        Boolean force,
        String image,
        List<String> images,
        String reason,
        DeploymentJson.PipelineJson pipeline,
        Map<String, String> release,
        String ttl) {

    /** The deployment part, checked as any deployment's body is. */
    DeployRequestJson deployment() {
        return new DeployRequestJson(services, force, image, images, reason, pipeline, release, null, null);
    }

    /** The lifetime asked for ({@code "20s"}, {@code "72h"}), or null for the template's. */
    Duration lifetime() {
        if (ttl == null) {
            return null;
        }
        Duration parsed;
        try {
            parsed = ttl.length() > 32 ? null : DurationConverter.parseDuration(ttl.strip());
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null
                || parsed.compareTo(EnvironmentsSpec.MIN_TTL) < 0
                || parsed.compareTo(EnvironmentsSpec.MAX_TTL) > 0) {
            throw ApiException.badRequest("ttl: must be a duration such as 20s, 8h or 3d, from 5s to 365d");
        }
        return parsed;
    }
}
