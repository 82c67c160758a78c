package io.keelson.environment;

import io.keelson.deploy.DeploymentView;
import java.time.Instant;
import java.util.Map;

/**
 * One review environment as the API shows it.
 *
 * @param state ACTIVE, or STOPPING once its end is queued
 * @param ports service → the host port it holds
 * @param lastDeployment its newest deployment, without changes and log; null before the first
 */
public record EnvironmentView(
        String slug,
        String target,
        String template,
        String url,
        String state,
        Map<String, Integer> ports,
        Instant createdAt,
        Instant expiresAt,
        DeploymentView lastDeployment) {}
