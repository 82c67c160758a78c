package io.keelson.deploy;

import io.keelson.registry.ImageRef;
import java.util.List;
import java.util.Map;

/**
 * A validated request to deploy a target.
 *
 * @param services null for the target's default services
 * @param image null to deploy each service's configured image again
 * @param release unit → image to deploy as one release; empty for none
 */
public record DeploymentRequest(
        List<String> services, boolean force, ImageRef image, List<ImageRef> images, String reason, Pipeline pipeline,
        String requestedBy, String idempotencyKey, Map<String, ImageRef> release) {
}
