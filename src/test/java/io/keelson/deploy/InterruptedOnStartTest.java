package io.keelson.deploy;

import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.github.f4b6a3.ulid.UlidCreator;
import io.keelson.cluster.Lane;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A deployment whose runner is gone is closed as INTERRUPTED, with what it had done kept, by the
 * replica that takes its lane over; one whose runner still holds a live lease is left alone.
 */
@QuarkusTest
class InterruptedOnStartTest {

    @Inject
    LaneDispatcher dispatcher;

    @Test
    void aDeploymentWhoseHolderStoppedRenewingIsInterruptedWithItsChangesKept() throws Exception {
        String id = running("it-file-target");
        holdLane("it-file-target", "gone-replica", Instant.now().minusSeconds(1));

        dispatcher.wake("it-file-target");

        awaitStatus(id, Status.INTERRUPTED);
        as(READER)
                .get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("INTERRUPTED"))
                .body("error", containsString("stopped while this deployment was running"))
                .body("changes[0].toDigest", equalTo("sha256:" + "b".repeat(64)))
                .body("changes[0].status", equalTo("FAILED"))
                .body("log", hasItem(containsString("INTERRUPTED")));
    }

    @Test
    void aDeploymentALiveReplicaRunsIsNeverClosed() throws Exception {
        String id = running("it-live-lane");
        holdLane("it-live-lane", "live-replica", Instant.now().plusSeconds(60));
        try {
            dispatcher.wake("it-live-lane");
            dispatcher.sweep();
            Thread.sleep(1500);

            assertThat(status(id)).isEqualTo(Status.RUNNING);
        } finally {
            holdLane("it-live-lane", null, null);
            QuarkusTransaction.requiringNew().run(() -> {
                Deployment d = Deployment.findById(id);
                d.status = Status.FAILED;
            });
        }
    }

    private static String running(String target) {
        String id = UlidCreator.getMonotonicUlid().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            Deployment d = new Deployment();
            d.id = id;
            d.target = target;
            d.trigger = Trigger.API;
            d.status = Status.RUNNING;
            d.request = "{\"units\":[\"bot\"],\"force\":false}";
            d.createdAt = Instant.now();
            d.startedAt = Instant.now();
            d.persist();
            DeploymentChange c = new DeploymentChange();
            c.deploymentId = id;
            c.host = "127.0.0.1";
            c.unit = "bot";
            c.fromDigest = "sha256:" + "a".repeat(64);
            c.toDigest = "sha256:" + "b".repeat(64);
            c.status = io.keelson.strategy.ChangeStatus.STARTED;
            c.persist();
        });
        return id;
    }

    private static void holdLane(String target, String holder, Instant until) {
        QuarkusTransaction.requiringNew().run(() -> {
            Lane lane = Lane.findById(target);
            if (lane == null) {
                lane = new Lane();
                lane.target = target;
                lane.persist();
            }
            lane.holder = holder;
            lane.leaseUntil = until;
        });
    }

    private static Status status(String id) {
        return QuarkusTransaction.requiringNew().call(() -> Deployment.<Deployment>findById(id).status);
    }

    private static void awaitStatus(String id, Status wanted) throws InterruptedException {
        for (int i = 0; i < 100 && status(id) != wanted; i++) {
            Thread.sleep(100);
        }
        assertThat(status(id)).isEqualTo(wanted);
    }
}
