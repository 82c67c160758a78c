package io.keelson.api;

import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.DeploymentWaits;
import io.keelson.deploy.Deployments;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** One deployment, its log as text, and its log followed live. */
@Path("/api/v1/deployments/{id}")
public class DeploymentResource {

    /** A follower reads again when told the log grew, or after this long in any case. */
    private static final Duration FOLLOW_RECHECK = Duration.ofSeconds(5);

    private final Deployments deployments;
    private final DeploymentWaits waits;
    private final CurrentCaller caller;

    public DeploymentResource(Deployments deployments, DeploymentWaits waits, CurrentCaller caller) {
        this.deployments = deployments;
        this.waits = waits;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Requires(Role.READ)
    public DeploymentJson get(@PathParam("id") String id) {
        return DeploymentJson.from(visible(id));
    }

    @GET
    @Path("log")
    @Produces(MediaType.TEXT_PLAIN)
    @Requires(Role.READ)
    public String log(@PathParam("id") String id) {
        DeploymentView d = visible(id);
        return d.log().isEmpty() ? "" : String.join("\n", d.log()) + "\n";
    }

    /** Sends the log so far, then each new line as it is written, and ends when the deployment does. */
    @GET
    @Path("log")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Requires(Role.READ)
    @Blocking
    public Multi<String> follow(@PathParam("id") String id) {
        visible(id);
        return Multi.createFrom()
                .<String>emitter(emitter -> Infrastructure.getDefaultWorkerPool()
                        .execute(() -> {
                            int sent = 0;
                            try {
                                while (!emitter.isCancelled()) {
                                    // Asked for before reading, so a line written in between wakes it.
                                    CompletableFuture<Void> grown = waits.logGrowth(id, FOLLOW_RECHECK);
                                    Deployments.LogChunk chunk = deployments.logAfter(id, sent);
                                    chunk.lines().forEach(emitter::emit);
                                    sent += chunk.lines().size();
                                    if (chunk.ended() && chunk.lines().isEmpty()) {
                                        emitter.complete();
                                        return;
                                    }
                                    if (chunk.lines().isEmpty()) {
                                        grown.get();
                                    }
                                }
                            } catch (ExecutionException e) {
                                emitter.fail(e.getCause());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                emitter.complete();
                            } catch (RuntimeException e) {
                                emitter.fail(e);
                            }
                        }));
    }

    private DeploymentView visible(String id) {
        DeploymentView d = deployments.find(id).orElseThrow(() -> ApiException.notFound("no deployment " + id));
        caller.requireTarget(d.target());
        return d;
    }
}
