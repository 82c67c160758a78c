package io.keelson.deploy;

import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.github.f4b6a3.ulid.UlidCreator;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a restart finds running or queued is closed as INTERRUPTED, with what it had done kept. */
@QuarkusTest
class InterruptedOnStartTest {

    @Inject
    InterruptedOnStart recovery;

    @Test
    void aDeploymentLeftRunningIsInterruptedAtTheNextStartWithItsChangesKept() {
        String id = UlidCreator.getMonotonicUlid().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            Deployment d = new Deployment();
            d.id = id;
            d.target = "it-file-target";
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
            c.status = io.keelson.strategy.ChangeStatus.SUCCEEDED;
            c.persist();
        });

        recovery.markInterrupted();

        as(READER)
                .get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("INTERRUPTED"))
                .body("error", containsString("stopped while this deployment was running"))
                .body("changes[0].toDigest", equalTo("sha256:" + "b".repeat(64)))
                .body("log", hasItem(containsString("INTERRUPTED")));
    }
}
