package io.keelson.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.CatalogTarget;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.Deployments;
import io.keelson.environment.EnvironmentEnds;
import io.keelson.environment.Environments;
import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.Strategies;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Review environments of a template: what a pipeline's review job (PUT) and stop job (DELETE) call.
 * A token's target globs are matched against the template's name here.
 */
@Path("/api/v1/targets/{name}/environments")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentResource {

    private final Environments environments;
    private final EnvironmentEnds ends;
    private final Deployments deployments;
    private final DeploymentAnswers answers;
    private final CurrentCaller caller;
    private final JsonBody bodies;
    private final Strategies strategies;
    private final ObjectMapper json;

    public EnvironmentResource(
            Environments environments,
            EnvironmentEnds ends,
            Deployments deployments,
            DeploymentAnswers answers,
            CurrentCaller caller,
            JsonBody bodies,
            Strategies strategies,
            ObjectMapper json) {
        this.environments = environments;
        this.ends = ends;
        this.deployments = deployments;
        this.answers = answers;
        this.caller = caller;
        this.bodies = bodies;
        this.strategies = strategies;
        this.json = json;
    }

    @GET
    @Requires(Role.READ)
    @Operation(summary = "The template's review environments: slug, target, url, createdAt, expiresAt, lastDeployment")
    @Blocking
    public List<EnvironmentJson> list(@PathParam("name") String name) {
        return environments.list(environments.template(name)).stream()
                .map(EnvironmentJson::from)
                .toList();
    }

    @PUT
    @Path("{slug}")
    @Requires(Role.DEPLOY)
    @Operation(
            summary = "Create the environment if needed and deploy to it",
            description = "Body and wait as a deployment, plus ttl. The answer is the deployment with environment.")
    @Blocking
    public Uni<Response> deploy(
            @PathParam("name") String name,
            @PathParam("slug") String slug,
            String body,
            @QueryParam("wait") @DefaultValue("false") String wait,
            @QueryParam("timeout") @DefaultValue("600") String timeout,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        boolean waiting = RequestParams.flag("wait", wait);
        Duration limit = RequestParams.seconds(timeout);
        CatalogTarget template = environments.template(name);
        String target = Environments.targetName(name, slug);
        EnvironmentRequestJson parsed = bodies.read(body, EnvironmentRequestJson.class);
        EnvironmentRequestJson request =
                parsed == null ? new EnvironmentRequestJson(null, null, null, null, null, null, null, null) : parsed;
        Duration ttl = request.lifetime();
        DeployRequestJson deployment = request.deployment();
        Set<String> known = new HashSet<>();
        if (request.image() != null || request.release() != null) {
            known.addAll(deployments.knownRepositories(name));
            known.addAll(deployments.knownRepositories(target));
        }
        DeployOrder order = deployment.validate(template.spec(), strategies.of(template.spec()), known);
        Environments.Deployed deployed = environments.deploy(
                template, slug, order, deployment.provenance(caller.get(), RequestParams.key(idempotencyKey)), ttl);
        return answers.answer(deployed.submitted().deployment(), waiting, limit, d -> withEnvironment(target, d));
    }

    @DELETE
    @Path("{slug}")
    @Requires(Role.DEPLOY)
    @Operation(
            summary = "Stop the environment",
            description = "docker-compose down -v and its folder removed on every host. 204 when it is gone (also when"
                    + " it was already); with wait=false 202 and the STOP deployment; 424 when something is left.")
    @Blocking
    public Uni<Response> stop(
            @PathParam("name") String name,
            @PathParam("slug") String slug,
            @QueryParam("wait") @DefaultValue("true") String wait,
            @QueryParam("timeout") @DefaultValue("600") String timeout) {
        boolean waiting = RequestParams.flag("wait", wait);
        Duration limit = RequestParams.seconds(timeout);
        String target = Environments.targetName(name, slug);
        Optional<DeploymentView> end =
                environments.stop(name, slug, caller.get().name());
        if (end.isEmpty()) {
            return Uni.createFrom().item(Response.noContent().build());
        }
        return answers.answer(end.get(), waiting, limit, d -> {
                    if (d.status().isFinal()) {
                        ends.settle(target);
                    }
                    return DeploymentJson.from(d);
                })
                .map(response ->
                        response.getStatus() == 200 ? Response.noContent().build() : response);
    }

    /** The deployment as the contract shows it, with {@code environment}: the environment as it is now. */
    private ObjectNode withEnvironment(String target, DeploymentView d) {
        if (d.status().isFinal()) {
            ends.settle(target); // the time starts again from this end: answer it as recorded
        }
        ObjectNode node = json.valueToTree(DeploymentJson.from(d));
        ends.view(target)
                .ifPresentOrElse(
                        view -> {
                            ObjectNode environment = json.valueToTree(EnvironmentJson.from(view));
                            environment.remove("lastDeployment");
                            node.set("environment", environment);
                        },
                        () -> node.putNull("environment"));
        return node;
    }
}
