package io.keelson.api;

import io.keelson.catalog.TargetSpec;
import io.keelson.catalog.TargetValidator;
import io.keelson.deploy.Pipeline;
import io.keelson.deploy.PolicyOverride;
import io.keelson.deploy.Provenance;
import io.keelson.deploy.Trigger;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The body of {@code POST /targets/{name}/deployments}; every field is optional. */
public record DeployRequestJson(
        List<String> services,
        Boolean force,
        String image,
        List<String> images,
        String reason,
        DeploymentJson.PipelineJson pipeline,
        Map<String, String> release,
        Boolean allowOutdated,
        OverrideJson override) {

    /** An operator's pass through the target's deploy windows and freezes, and why. */
    public record OverrideJson(String reason) {}

    /** At most this many image references in {@code images}. */
    static final int MAX_IMAGES = 100;

    /**
     * Checks every field against its grammar and against what the target allows, before anything is
     * queued: services must be the target's own, and an image override must come from a repository
     * the target's units have run or its {@code allowedImages} name.
     */
    DeployOrder validate(TargetSpec target, Strategy strategy, Set<String> knownRepositories) {
        if (services != null) {
            List<String> own = strategy.units(target);
            if (services.size() > own.size()) {
                throw ApiException.badRequest(
                        "services: lists " + services.size() + " units; this target has " + own.size() + " " + own);
            }
            for (String service : services) {
                if (!TargetValidator.isServiceName(service)) {
                    throw ApiException.badRequest(
                            "services: '" + service + "' is not a valid unit name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)");
                }
            }
            if (services.stream().distinct().count() != services.size()) {
                throw ApiException.badRequest("services: a unit is listed twice");
            }
            for (String service : services) {
                if (!own.contains(service)) {
                    throw ApiException.badRequest("services: '" + service + "' is not one of this target's units " + own
                            + "; a deployment may only roll the units its target lists");
                }
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
        if (images != null) {
            if (images.size() > MAX_IMAGES) {
                throw ApiException.badRequest("images: at most " + MAX_IMAGES + " image references");
            }
            images.forEach(i -> {
                if (ImageRef.tryParse(i).isEmpty()) {
                    throw ApiException.badRequest("images: '" + i + "' is not an image reference");
                }
            });
        }
        Text.limit("reason", reason, 1000);
        if (override != null) {
            if (override.reason() == null || override.reason().isBlank()) {
                throw ApiException.badRequest("override.reason: must say why the policy is overridden");
            }
            Text.limit("override.reason", override.reason(), 1000);
        }
        if (pipeline != null) {
            Text.limit("pipeline.project", pipeline.project(), 255);
            Text.limit("pipeline.id", pipeline.id(), 255);
            Text.limit("pipeline.commit", pipeline.commit(), 255);
            Text.limit("pipeline.ref", pipeline.ref(), 255);
            Text.limit("pipeline.url", pipeline.url(), 2048);
            if (pipeline.url() != null && !pipeline.url().matches("(?i)https?://[^\\s<>|]+")) {
                // Shown as a link on the dashboard and in notifications: only a web address, nothing to inject.
                throw ApiException.badRequest(
                        "pipeline.url: must be an http:// or https:// address without spaces, <, > or |");
            }
        }
        List<ImageRef> refs = images == null
                ? List.of()
                : images.stream().map(ImageRef::parse).toList();
        Map<String, ImageRef> released = release(target, strategy, knownRepositories);
        try {
            strategy.checkRequest(target, services, ref, refs, released);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (ref != null
                && !knownRepositories.isEmpty()
                && !knownRepositories.contains(ref.repository())
                && !target.matchesAllowedImages(ref.repository())) {
            throw ApiException.badRequest("image: repository " + ref.repository() + " is not one this target deploys "
                    + knownRepositories.stream().sorted().toList()
                    + "; an admin may allow it in the target's allowedImages");
        }
        return DeployOrder.deploy(services, Boolean.TRUE.equals(force), ref, released, refs);
    }

    /**
     * Who asked, why, and from which pipeline; call after {@link #validate}. A caller with an ID token
     * is its signed claims (the body's {@code pipeline} is ignored); {@code allowOutdated} counts only
     * for the operate role, and an {@code override} without it is refused ({@code 403}).
     */
    Provenance provenance(Caller caller, String idempotencyKey) {
        if (override != null && !caller.role().includes(Role.OPERATE)) {
            throw ApiException.forbidden(
                    "override: passing a target's deploy windows and freezes needs the operate role");
        }
        Pipeline reported = caller.idToken() != null
                ? caller.idToken().pipeline()
                : pipeline == null ? null : pipeline.toPipeline();
        boolean outdatedAllowed =
                Boolean.TRUE.equals(allowOutdated) && caller.role().includes(Role.OPERATE);
        return new Provenance(
                Trigger.API,
                caller.name(),
                reason,
                reported,
                idempotencyKey,
                outdatedAllowed,
                override == null ? null : new PolicyOverride(override.reason(), caller.name()));
    }

    /**
     * A release: one image per unit, each a unit of the target and a repository it may run (one it
     * ran before, or one its {@code allowedImages} name; the strategy checks its configured images).
     */
    private Map<String, ImageRef> release(TargetSpec target, Strategy strategy, Set<String> knownRepositories) {
        Map<String, ImageRef> released = new LinkedHashMap<>();
        if (release == null) {
            return released;
        }
        if (image != null || services != null) {
            throw ApiException.badRequest(
                    "release: names its units and images itself; send it without \"image\" and \"services\"");
        }
        List<String> own = strategy.units(target);
        if (own.isEmpty()) {
            throw ApiException.badRequest(
                    "release: applies to targets whose catalog lists their units (ssh-compose services, ssh-docker containers)");
        }
        if (release.isEmpty() || release.size() > own.size()) {
            throw ApiException.badRequest(
                    "release: must name between 1 and " + own.size() + " of this target's units " + own);
        }
        for (Map.Entry<String, String> entry : release.entrySet()) {
            if (!own.contains(entry.getKey())) {
                throw ApiException.badRequest(
                        "release: '" + entry.getKey() + "' is not one of this target's units " + own);
            }
            ImageRef ref;
            try {
                ref = ImageRef.parse(entry.getValue());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ApiException.badRequest("release." + entry.getKey() + ": "
                        + (e.getMessage() == null ? "is not an image reference" : e.getMessage()));
            }
            if (!knownRepositories.isEmpty()
                    && !knownRepositories.contains(ref.repository())
                    && !target.matchesAllowedImages(ref.repository())) {
                throw ApiException.badRequest("release." + entry.getKey() + ": repository " + ref.repository()
                        + " is not one this target deploys "
                        + knownRepositories.stream().sorted().toList()
                        + "; an admin may allow it in the target's allowedImages");
            }
            released.put(entry.getKey(), ref);
        }
        return released;
    }
}
