package io.keelson.api;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.DeploymentWaits;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.Provenance;
import io.keelson.deploy.Status;
import io.keelson.deploy.Trigger;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategies;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Deploying a target, its history, and rolling it back: what a pipeline and an operator call. */
@Path("/api/v1/targets/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class TargetDeploymentResource {

    /** The status a waited-for deployment answers when it did not succeed: not retried by curl, and not a client error. */
    static final int DEPLOYMENT_FAILED = 424;

    private static final int MAX_WAIT_SECONDS = 3600;

    private final TargetCatalog catalog;
    private final Deployments deployments;
    private final DeploymentWaits waits;
    private final CurrentCaller caller;
    private final JsonBody bodies;
    private final Strategies strategies;

    public TargetDeploymentResource(
            TargetCatalog catalog,
            Deployments deployments,
            DeploymentWaits waits,
            CurrentCaller caller,
            JsonBody bodies,
            Strategies strategies) {
        this.strategies = strategies;
        this.catalog = catalog;
        this.deployments = deployments;
        this.waits = waits;
        this.caller = caller;
        this.bodies = bodies;
    }

    @POST
    @Path("deployments")
    @Requires(Role.DEPLOY)
    @Operation(
            summary = "Start a deployment",
            description =
                    "Without wait: 202 and a Location. With wait=true: 200 when it "
                            + "SUCCEEDED, 424 when it ended otherwise, 202 when timeout seconds passed first. The body is the deployment.")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeployRequestJson.class)))
    @APIResponse(
            responseCode = "200",
            description = "the deployment SUCCEEDED (wait=true)",
            content = @Content(schema = @Schema(implementation = DeploymentJson.class)))
    @APIResponse(
            responseCode = "202",
            description = "queued or still running",
            content = @Content(schema = @Schema(implementation = DeploymentJson.class)))
    @APIResponse(
            responseCode = "424",
            description = "the deployment FAILED, was ROLLED_BACK or INTERRUPTED (wait=true)",
            content = @Content(schema = @Schema(implementation = DeploymentJson.class)))
    @APIResponse(
            responseCode = "409",
            description = "the target is paused",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @Blocking
    public Uni<Response> deploy(
            @PathParam("name") String name,
            String body,
            @QueryParam("wait") @DefaultValue("false") String wait,
            @QueryParam("timeout") @DefaultValue("600") String timeout,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        boolean waiting = flag("wait", wait);
        Duration limit = seconds(timeout);
        CatalogTarget target = Targets.require(catalog, name);
        DeployRequestJson parsed = bodies.read(body, DeployRequestJson.class);
        DeployRequestJson request =
                parsed == null ? new DeployRequestJson(null, null, null, null, null, null, null) : parsed;
        Set<String> known = request.image() == null && request.release() == null
                ? Set.of()
                : deployments.knownRepositories(target.name());
        DeployOrder order = request.validate(target.spec(), strategies.of(target.spec()), known);
        Deployments.Submitted submitted = deployments.deploy(
                target, order, request.provenance(caller.get().name(), key(idempotencyKey)));
        return answer(submitted.deployment(), waiting, limit);
    }

    @GET
    @Path("deployments")
    @Requires(Role.READ)
    public List<DeploymentJson> history(
            @PathParam("name") String name, @QueryParam("limit") @DefaultValue("20") String limit) {
        Targets.require(catalog, name);
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 500) {
            throw ApiException.badRequest("limit: must be a whole number from 1 to 500");
        }
        return deployments.history(name, n).stream().map(DeploymentJson::from).toList();
    }

    @POST
    @Path("rollback")
    @Requires(Role.OPERATE)
    @Operation(summary = "Deploy again exactly the digests of an earlier deployment (or undo the newest change)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RollbackRequestJson.class)))
    @APIResponse(
            responseCode = "200",
            description = "the rollback SUCCEEDED (wait=true)",
            content = @Content(schema = @Schema(implementation = DeploymentJson.class)))
    @APIResponse(
            responseCode = "202",
            description = "queued or still running",
            content = @Content(schema = @Schema(implementation = DeploymentJson.class)))
    @Blocking
    public Uni<Response> rollback(
            @PathParam("name") String name,
            String body,
            @QueryParam("wait") @DefaultValue("false") String wait,
            @QueryParam("timeout") @DefaultValue("600") String timeout,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        boolean waiting = flag("wait", wait);
        Duration limit = seconds(timeout);
        CatalogTarget target = Targets.require(catalog, name);
        RollbackRequestJson parsed = bodies.read(body, RollbackRequestJson.class);
        RollbackRequestJson request = parsed == null ? new RollbackRequestJson(null, null) : parsed;
        request.validate();
        Deployments.Submitted submitted = deployments.rollback(
                target,
                request.toDeployment(),
                new Provenance(Trigger.ROLLBACK, caller.get().name(), request.reason(), null, key(idempotencyKey)));
        return answer(submitted.deployment(), waiting, limit);
    }

    /**
     * The answer: at once without {@code wait}; else when the deployment ends or the timeout passes.
     * The wait holds no thread (the deployment's end completes it); only the final read runs on a worker.
     */
    private Uni<Response> answer(DeploymentView started, boolean waiting, Duration limit) {
        URI location = URI.create("/api/v1/deployments/" + started.id());
        if (!waiting || started.status().isFinal()) {
            return Uni.createFrom()
                    .item(
                            waiting
                                    ? ended(started, location)
                                    : Response.accepted(DeploymentJson.from(started))
                                            .location(location)
                                            .build());
        }
        return Uni.createFrom()
                .completionStage(waits.ending(started.id()))
                .ifNoItem()
                .after(limit)
                .recoverWithItem((Void) null)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(ignored -> ended(deployments.find(started.id()).orElseThrow(), location));
    }

    private static Response ended(DeploymentView d, URI location) {
        if (!d.status().isFinal()) {
            return Response.accepted(DeploymentJson.from(d)).location(location).build();
        }
        int status = d.status() == Status.SUCCEEDED ? 200 : DEPLOYMENT_FAILED;
        return Response.status(status)
                .entity(DeploymentJson.from(d))
                .location(location)
                .build();
    }

    private static boolean flag(String name, String value) {
        return switch (value) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name + ": must be true or false");
        };
    }

    private static Duration seconds(String value) {
        try {
            int s = Integer.parseInt(value);
            if (s >= 0 && s <= MAX_WAIT_SECONDS) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("timeout: must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }

    private static String key(String idempotencyKey) {
        if (idempotencyKey == null) {
            return null;
        }
        String k = idempotencyKey.trim();
        if (k.isEmpty() || k.length() > 255 || k.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw ApiException.badRequest("Idempotency-Key: must be 1 to 255 printable ASCII characters");
        }
        return k;
    }
}
