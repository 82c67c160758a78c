package io.keelson.identity;

import io.keelson.deploy.Pipeline;
import java.time.Instant;
import java.util.Map;

/**
 * A verified CI ID token: who signed it (the issuer's name under {@code keelson.auth.oidc}) and its
 * claims as strings, the way {@code trustedPipelines} rules compare them.
 */
public record IdToken(String issuerName, String issuer, Map<String, String> claims, String jti, Instant expiresAt) {

    private static final String GITHUB = "https://token.actions.githubusercontent.com";

    /** {@code <issuer name>:<project_path>}, or {@code :<repository>} for GitHub's tokens. */
    public String requestedBy() {
        return issuerName + ":" + (gitLab() ? claims.get("project_path") : claims.getOrDefault("repository", "?"));
    }

    /** The pipeline as the signed claims name it; a request body cannot say otherwise. */
    public Pipeline pipeline() {
        if (gitLab()) {
            String project = claims.get("project_path");
            String id = claims.get("pipeline_id");
            String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
            String url = id == null ? null : base + "/" + project + "/-/pipelines/" + id;
            return new Pipeline(project, id, claims.get("sha"), claims.get("ref"), url, claims.get("job_id"));
        }
        String repository = claims.get("repository");
        String run = claims.get("run_id");
        String url = issuer.equals(GITHUB) && repository != null && run != null
                ? "https://github.com/" + repository + "/actions/runs/" + run
                : null;
        return new Pipeline(repository, run, claims.get("sha"), claims.get("ref"), url, claims.get("job"));
    }

    private boolean gitLab() {
        return claims.containsKey("project_path");
    }
}
