package io.keelson.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.Trigger;
import io.keelson.policy.Sightings;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.Strategies;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What makes the watcher look now instead of at its next interval: Watchtower's own
 * {@code POST /v1/update}, and a registry's push notification.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class WatchTriggerResource {

    private static final Logger LOG = Logger.getLogger(WatchTriggerResource.class);

    private final TargetCatalog catalog;
    private final Deployments deployments;
    private final CurrentCaller caller;
    private final JsonBody bodies;
    private final Strategies strategies;
    private final Sightings sightings;

    /** Digests noted per notification: an envelope is bounded in bytes, not in events. */
    private static final int MAX_SIGHTINGS = 100;

    public WatchTriggerResource(
            TargetCatalog catalog,
            Deployments deployments,
            CurrentCaller caller,
            JsonBody bodies,
            Strategies strategies,
            Sightings sightings) {
        this.strategies = strategies;
        this.sightings = sightings;
        this.catalog = catalog;
        this.deployments = deployments;
        this.caller = caller;
        this.bodies = bodies;
    }

    /** Watchtower-compatible: checks every watch target now, or only containers of the given references. */
    @POST
    @Path("v1/update")
    @Requires(Role.DEPLOY)
    public Map<String, Object> update(@QueryParam("image") String image) {
        List<ImageRef> only = new ArrayList<>();
        if (image != null && !image.isBlank()) {
            for (String ref : image.split(",")) {
                try {
                    only.add(ImageRef.parse(ref.trim()));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("image: " + e.getMessage());
                }
            }
        }
        return check(only, Trigger.API);
    }

    /** A distribution registry's events envelope: each pushed tag makes the targets watching it look now. */
    @POST
    @Path("api/v1/hooks/registry")
    @Requires(Role.DEPLOY)
    public Response registryEvents(String body) {
        JsonNode envelope = bodies.read(body, JsonNode.class);
        if (envelope == null || !envelope.path("events").isArray()) {
            throw ApiException.badRequest("events: expected the registry's notification envelope {\"events\": [...]}");
        }
        Set<ImageRef> pushed = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode event : envelope.get("events")) {
            if (!"push".equals(event.path("action").asText())) {
                continue;
            }
            String digest = event.path("target").path("digest").asText("");
            if (ImageRef.isDigest(digest) && seen.size() < MAX_SIGHTINGS && seen.add(digest)) {
                // A deploy policy's minAge counts from here for every target (the push's first sight).
                sightings.firstSeen(digest);
            }
            if (!event.path("target").hasNonNull("tag")) {
                continue;
            }
            String host = event.path("request").path("host").asText("");
            if (host.isEmpty()) {
                host = hostOf(event.path("target").path("url").asText(""));
            }
            String text = (host.isEmpty() ? "" : host + "/")
                    + event.path("target").path("repository").asText() + ":"
                    + event.path("target").path("tag").asText();
            ImageRef.tryParse(text).ifPresent(pushed::add);
        }
        if (pushed.isEmpty()) {
            return Response.accepted(Map.of(
                            "pushed", List.of(), "checking", List.of(), "coalesced", List.of(), "failed", List.of()))
                    .build();
        }
        Map<String, Object> answer = new java.util.LinkedHashMap<>(
                Map.of("pushed", pushed.stream().map(ImageRef::toString).toList()));
        answer.putAll(check(List.copyOf(pushed), Trigger.WEBHOOK));
        return Response.accepted(answer).build();
    }

    /**
     * Asks each watch target the caller may act on for a check. {@code checking} names every target
     * that will check; {@code coalesced} those where a check was already waiting and this request
     * joined it (its images are checked too) rather than queue another; {@code failed} those whose
     * check could not be queued (logged), which do not keep the others from theirs.
     */
    private Map<String, Object> check(List<ImageRef> only, Trigger trigger) {
        List<String> checking = new ArrayList<>();
        List<String> coalesced = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (CatalogTarget target : catalog.list()) {
            if (strategies.of(target.spec()).followsRegistry()
                    && !target.paused()
                    && caller.get().mayAct(target.name())) {
                try {
                    if (deployments.requestCycle(
                                    target.name(), trigger, only, caller.get().name())
                            == Deployments.CycleRequest.COALESCED) {
                        coalesced.add(target.name());
                    }
                    checking.add(target.name());
                } catch (RuntimeException e) {
                    LOG.warnf(
                            e, "watch trigger: could not queue a check of %s; the other targets go on", target.name());
                    failed.add(target.name());
                }
            }
        }
        return Map.of("checking", checking, "coalesced", coalesced, "failed", failed);
    }

    private static String hostOf(String url) {
        try {
            String authority = URI.create(url).getAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
