package io.keelson.api;

import io.keelson.deploy.DeploymentLogs;
import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.LogPage;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * One deployment, its log as text page by page, and its log followed live. Every answer is
 * bounded: the deployment carries at most a head of its log, a page at most {@link
 * ReadConfig#maxLogBytes()}, and pages are read a few at a time per replica.
 */
@Path("/api/v1/deployments/{id}")
public class DeploymentResource {

    /** The header that says where the next page of a log starts, when there is more. */
    static final String NEXT_LINE = "Keelson-Log-Next";

    private final Deployments deployments;
    private final DeploymentLogs logs;
    private final LogFollowers followers;
    private final CurrentCaller caller;
    private final ReadConfig config;
    private final LogReads logReads;

    public DeploymentResource(
            Deployments deployments,
            DeploymentLogs logs,
            LogFollowers followers,
            LogReads logReads,
            CurrentCaller caller,
            ReadConfig config) {
        this.deployments = deployments;
        this.logs = logs;
        this.followers = followers;
        this.logReads = logReads;
        this.caller = caller;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Requires(Role.READ)
    public DeploymentJson get(@PathParam("id") String id, @QueryParam("log") @DefaultValue("true") String log) {
        boolean withLog = switch (log) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest("log: must be true or false");
        };
        DeploymentView d = deployments.find(id, withLog).orElseThrow(() -> notFound(id));
        caller.requireTarget(d.target());
        return DeploymentJson.from(d);
    }

    /**
     * Lines {@code from} (0 = the first) on, at most {@code limit}, as text. When the log goes on past
     * this page, {@value #NEXT_LINE} names the {@code from} of the next one.
     */
    @GET
    @Path("log")
    @Produces(MediaType.TEXT_PLAIN)
    @Requires(Role.READ)
    public Response log(
            @PathParam("id") String id,
            @QueryParam("from") @DefaultValue("0") String from,
            @QueryParam("limit") String limit) {
        int first = number("from", from, 0, Integer.MAX_VALUE);
        int lines = limit == null ? config.maxLogLines() : number("limit", limit, 1, config.maxLogLines());
        visible(id);
        LogPage page = logReads.read(
                () -> logs.logPage(id, first, lines, config.maxLogBytes()).orElseThrow(() -> notFound(id)));
        Response.ResponseBuilder answer =
                Response.ok(page.lines().isEmpty() ? "" : String.join("\n", page.lines()) + "\n");
        if (page.more()) {
            answer.header(NEXT_LINE, page.next());
        }
        return answer.build();
    }

    /**
     * Sends the log so far, then each new line as it is written, and ends when the deployment does.
     * Only a request that asks for {@code text/event-stream} gets here (see {@link LogAccept}).
     */
    @GET
    @Path("log")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Requires(Role.READ)
    @Blocking
    public Multi<String> follow(@PathParam("id") String id) {
        visible(id);
        return followers.follow(id, caller.get().name());
    }

    private DeploymentView visible(String id) {
        DeploymentView d = deployments.summary(id).orElseThrow(() -> notFound(id));
        caller.requireTarget(d.target());
        return d;
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("no deployment " + id);
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + ": must be a whole number from " + min + " to " + max);
    }
}
