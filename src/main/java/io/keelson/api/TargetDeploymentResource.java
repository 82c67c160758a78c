package io.keelson.api;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.Provenance;
import io.keelson.deploy.Trigger;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategies;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
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

    private final TargetCatalog catalog;
    private final Deployments deployments;
    private final DeploymentAnswers answers;
    private final CurrentCaller caller;
    private final JsonBody bodies;
    private final Strategies strategies;

    public TargetDeploymentResource(
            TargetCatalog catalog,
            Deployments deployments,
            DeploymentAnswers answers,
            CurrentCaller caller,
            JsonBody bodies,
            Strategies strategies) {
        this.strategies = strategies;
        this.catalog = catalog;
        this.deployments = deployments;
        this.answers = answers;
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
        boolean waiting = RequestParams.flag("wait", wait);
        Duration limit = RequestParams.seconds(timeout);
        CatalogTarget target = Targets.require(catalog, name);
        DeployRequestJson parsed = bodies.read(body, DeployRequestJson.class);
        DeployRequestJson request =
                parsed == null ? new DeployRequestJson(null, null, null, null, null, null, null, null, null) : parsed;
        Set<String> known = request.image() == null && request.release() == null
                ? Set.of()
                : deployments.knownRepositories(target.name());
        DeployOrder order = request.validate(target.spec(), strategies.of(target.spec()), known);
        Deployments.Submitted submitted =
                deployments.deploy(target, order, request.provenance(caller.get(), RequestParams.key(idempotencyKey)));
        return answers.answer(submitted.deployment(), waiting, limit, DeploymentJson::from);
    }

    @GET
    @Path("deployments")
    @Requires(Role.READ)
    public List<DeploymentJson> history(
            @PathParam("name") String name, @QueryParam("limit") @DefaultValue("20") String limit) {
        if (catalog.find(name).isEmpty() && deployments.latest(name).isEmpty()) {
            // A target that is gone (an environment that ended) keeps its history readable.
            Targets.require(catalog, name);
        }
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
        boolean waiting = RequestParams.flag("wait", wait);
        Duration limit = RequestParams.seconds(timeout);
        CatalogTarget target = Targets.require(catalog, name);
        RollbackRequestJson parsed = bodies.read(body, RollbackRequestJson.class);
        RollbackRequestJson request = parsed == null ? new RollbackRequestJson(null, null) : parsed;
        request.validate();
        Deployments.Submitted submitted = deployments.rollback(
                target,
                request.toDeployment(),
                new Provenance(
                        Trigger.ROLLBACK,
                        caller.get().name(),
                        request.reason(),
                        caller.get().idToken() == null
                                ? null
                                : caller.get().idToken().pipeline(),
                        RequestParams.key(idempotencyKey)));
        return answers.answer(submitted.deployment(), waiting, limit, DeploymentJson::from);
    }
}
