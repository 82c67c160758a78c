package io.keelson.api;

import io.keelson.catalog.TargetValidator;
import io.keelson.deploy.DeploymentRequest;
import io.keelson.registry.ImageRef;
import java.util.List;

/** The body of {@code POST /targets/{name}/deployments}; every field is optional. */
public record DeployRequestJson(
        List<String> services, Boolean force, String image, List<String> images, String reason,
        DeploymentJson.PipelineJson pipeline) {

    /** Checks every field against its grammar before anything is queued. */
    DeploymentRequest validate(boolean sshCompose, String requestedBy, String idempotencyKey) {
        if (services != null) {
            for (String service : services) {
                if (!TargetValidator.isServiceName(service)) {
                    throw ApiException.badRequest("services: '" + service + "' is not a valid compose service name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)");
                }
            }
            if (services.stream().distinct().count() != services.size()) {
                throw ApiException.badRequest("services: a service is listed twice");
            }
        }
        ImageRef ref = null;
        if (image != null) {
            try {
                ref = ImageRef.parse(image);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("image: " + e.getMessage());
            }
        }
        if (image != null && !sshCompose) {
            throw ApiException.badRequest("image: applies to ssh-compose targets; a watch deployment takes \"images\" to limit its check");
        }
        if (services != null && !sshCompose) {
            throw ApiException.badRequest("services: applies to ssh-compose targets");
        }
        if (images != null) {
            if (sshCompose) {
                throw ApiException.badRequest("images: applies to watch targets; an ssh-compose deployment takes \"image\"");
            }
            images.forEach(i -> {
                if (ImageRef.tryParse(i).isEmpty()) {
                    throw ApiException.badRequest("images: '" + i + "' is not an image reference");
                }
            });
        }
        Text.limit("reason", reason, 1000);
        if (pipeline != null) {
            Text.limit("pipeline.project", pipeline.project(), 255);
            Text.limit("pipeline.id", pipeline.id(), 255);
            Text.limit("pipeline.commit", pipeline.commit(), 255);
            Text.limit("pipeline.ref", pipeline.ref(), 255);
            Text.limit("pipeline.url", pipeline.url(), 2048);
        }
        List<ImageRef> refs = images == null ? List.of() : images.stream().map(ImageRef::parse).toList();
        return new DeploymentRequest(services, Boolean.TRUE.equals(force), ref, refs, reason,
                pipeline == null ? null : pipeline.toPipeline(), requestedBy, idempotencyKey);
    }
}
