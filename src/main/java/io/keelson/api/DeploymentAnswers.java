package io.keelson.api;

import io.keelson.deploy.DeploymentView;
import io.keelson.deploy.DeploymentWaits;
import io.keelson.deploy.Deployments;
import io.keelson.deploy.Status;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * How every call that starts a deployment answers: at once (202 and a Location), or, with {@code
 * wait}, when it ends: 200 when it SUCCEEDED, 424 when it ended otherwise (so {@code curl --fail}
 * fails the job), 202 when the timeout came first.
 */
@ApplicationScoped
public class DeploymentAnswers {

    /** The status a waited-for deployment answers when it did not succeed: not retried by curl, and not a client error. */
    static final int DEPLOYMENT_FAILED = 424;

    private final DeploymentWaits waits;
    private final Deployments deployments;

    public DeploymentAnswers(DeploymentWaits waits, Deployments deployments) {
        this.waits = waits;
        this.deployments = deployments;
    }

    /**
     * The answer, its body made by {@code body} from the deployment as it is then. The wait holds no
     * thread (the deployment's end completes it); only the final read runs on a worker.
     */
    public Uni<Response> answer(
            DeploymentView started, boolean waiting, Duration limit, Function<DeploymentView, Object> body) {
        URI location = URI.create("/api/v1/deployments/" + started.id());
        if (!waiting || started.status().isFinal()) {
            return Uni.createFrom()
                    .item(
                            waiting
                                    ? ended(started, location, body)
                                    : Response.accepted(body.apply(started))
                                            .location(location)
                                            .build());
        }
        return Uni.createFrom()
                .completionStage(waits.ending(started.id()))
                .ifNoItem()
                .after(limit)
                .recoverWithItem((Void) null)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(ignored -> ended(deployments.find(started.id()).orElseThrow(), location, body));
    }

    private static Response ended(DeploymentView d, URI location, Function<DeploymentView, Object> body) {
        if (!d.status().isFinal()) {
            return Response.accepted(body.apply(d)).location(location).build();
        }
        int status = d.status() == Status.SUCCEEDED ? 200 : DEPLOYMENT_FAILED;
        return Response.status(status).entity(body.apply(d)).location(location).build();
    }
}
