package io.keelson.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.ReloadReport;
import io.keelson.catalog.SpecBinder;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.EdgeTraffic;
import io.keelson.health.TargetHealth;
import io.keelson.policy.DeployTimes;
import io.keelson.policy.PolicyHolds;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** The catalog through the API: list and read every target, manage the API-defined ones. */
@Path("/api/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetResource {

    private final TargetCatalog catalog;
    private final Deployments deployments;
    private final CurrentCaller caller;
    private final TargetHealth health;
    private final EdgeTraffic traffic;
    private final ObjectMapper json;
    private final Clock clock;
    private final PolicyHolds holds;

    public TargetResource(
            TargetCatalog catalog,
            Deployments deployments,
            CurrentCaller caller,
            ObjectMapper json,
            TargetHealth health,
            EdgeTraffic traffic,
            Clock clock,
            PolicyHolds holds) {
        this.holds = holds;
        this.clock = clock;
        this.health = health;
        this.traffic = traffic;
        this.catalog = catalog;
        this.deployments = deployments;
        this.caller = caller;
        this.json = json;
    }

    @GET
    @Requires(Role.READ)
    public List<TargetJson> list() {
        return catalog.list().stream()
                .filter(t -> caller.get().mayAct(t.name()))
                .map(t -> TargetJson.from(t, last(t.name())))
                .toList();
    }

    @GET
    @Path("{name}")
    @Requires(Role.READ)
    public ObjectNode get(@PathParam("name") String name) throws JsonProcessingException {
        return describe(Targets.require(catalog, name));
    }

    @POST
    @Requires(Role.ADMIN)
    @Operation(
            summary = "Create an API-defined target",
            description = "The body is the catalog structure as JSON, durations as \"20s\".")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetSpec.class)))
    public Response create(String body) throws JsonProcessingException {
        TargetSpec spec = SecretMasks.unmask(bind(body), Optional.empty());
        caller.requireTarget(String.valueOf(spec.name()));
        caller.requireAllowedSecrets(spec);
        CatalogTarget created = catalog.create(spec);
        return Response.created(URI.create("/api/v1/targets/" + created.name()))
                .entity(describe(created))
                .build();
    }

    @PUT
    @Path("{name}")
    @Requires(Role.ADMIN)
    @Operation(
            summary = "Replace an API-defined target; a file-defined one answers 409",
            description = "A create.env value sent as ******** (as GET shows it) keeps the value stored for it.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetSpec.class)))
    public ObjectNode update(@PathParam("name") String name, String body) throws JsonProcessingException {
        TargetSpec spec = SecretMasks.unmask(
                bind(body), Optional.of(Targets.require(catalog, name).spec()));
        caller.requireAllowedSecrets(spec);
        return describe(catalog.update(name, spec));
    }

    @DELETE
    @Path("{name}")
    @Requires(Role.ADMIN)
    public Response delete(@PathParam("name") String name) {
        catalog.delete(name);
        return Response.noContent().build();
    }

    @POST
    @Path("reload")
    @Requires(Role.ADMIN)
    public ReloadReport reload(@QueryParam("allowEmpty") boolean allowEmpty) {
        return catalog.reload(allowEmpty);
    }

    @POST
    @Path("{name}/pause")
    @Requires(Role.OPERATE)
    public TargetJson pause(@PathParam("name") String name) {
        Targets.require(catalog, name);
        return TargetJson.from(catalog.setPaused(name, true), last(name));
    }

    @POST
    @Path("{name}/resume")
    @Requires(Role.OPERATE)
    public TargetJson resume(@PathParam("name") String name) {
        Targets.require(catalog, name);
        return TargetJson.from(catalog.setPaused(name, false), last(name));
    }

    private TargetSpec bind(String body) {
        SpecBinder.Bound bound = SpecBinder.json(null, body);
        if (bound instanceof SpecBinder.Problem p) {
            throw new ApiException(400, "invalid_target", p.problem().toString());
        }
        return ((SpecBinder.Spec) bound).spec();
    }

    /** The target's spec as JSON (it names secrets and masks those it holds) plus where it is defined and its state. */
    private ObjectNode describe(CatalogTarget target) throws JsonProcessingException {
        ObjectNode node = (ObjectNode) json.readTree(SpecBinder.toJson(target.spec()));
        SecretMasks.mask(node);
        node.put("source", target.source().name());
        node.put("file", target.file());
        node.put("paused", target.paused());
        node.set("lastDeployment", json.valueToTree(TargetJson.LastDeployment.from(last(target.name()))));
        node.set("health", json.valueToTree(health.of(target.spec())));
        var edge = traffic.of(target.spec());
        if (target.spec().handover() != null || !edge.isEmpty()) { // a watch target's, once its labels asked
            node.set("edge", json.valueToTree(edge));
        }
        node.set("running", json.valueToTree(deployments.recordedUnits(target.name())));
        // Why deployments and checks wait now, if the policy holds them (null when they may run).
        node.set(
                "policyHold",
                json.valueToTree(DeployTimes.holdAt(target.spec().policy(), clock.instant())
                        .orElse(null)));
        // The last request refused or check held back by the policy, as this replica saw it (null for none).
        node.set("lastHeld", json.valueToTree(holds.last(target.name()).orElse(null)));
        return node;
    }

    private DeploymentView last(String target) {
        return deployments.latest(target).orElse(null);
    }
}
