package io.keelson.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.keelson.environment.EnvironmentView;
import java.time.Instant;
import java.util.Map;

/** A review environment as the API shows it; every field is present, null when it does not apply. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EnvironmentJson(
        String slug,
        String target,
        String template,
        String url,
        String state,
        Map<String, Integer> ports,
        Instant createdAt,
        Instant expiresAt,
        DeploymentJson lastDeployment) {

    static EnvironmentJson from(EnvironmentView e) {
        return new EnvironmentJson(
                e.slug(),
                e.target(),
                e.template(),
                e.url(),
                e.state(),
                e.ports(),
                e.createdAt(),
                e.expiresAt(),
                e.lastDeployment() == null ? null : DeploymentJson.from(e.lastDeployment()));
    }
}
