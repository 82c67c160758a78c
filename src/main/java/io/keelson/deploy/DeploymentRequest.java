package io.keelson.deploy;

import io.keelson.registry.ImageRef;
import java.util.List;

/**
 * A validated request to deploy a target.
 *
 * @param services null for the target's default services
 * @param image null to deploy each service's configured image again
 */
public record DeploymentRequest(
        List<String> services, boolean force, ImageRef image, List<ImageRef> images, String reason, Pipeline pipeline,
        String requestedBy, String idempotencyKey) {
}
