package io.keelson.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.UlidCreator;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Logs of deployments that ended longer ago than the retention (90 days by default) are removed, a
 * line saying so left in their place; the deployments stay, and younger logs are untouched.
 */
@QuarkusTest
class LogRetentionTest {

    @Inject
    LogRetention retention;

    @Test
    void anOldLogIsRemovedAndItsDeploymentStaysAYoungOneIsKept() {
        String old = recorded(Duration.ofDays(91), 50);
        String young = recorded(Duration.ofDays(89), 50);

        assertThat(retention.removeExpired()).isGreaterThanOrEqualTo(1);

        assertThat(lines(old)).containsExactly(LogRetention.REMOVED);
        assertThat(lines(young)).hasSize(50);
        assertThat(QuarkusTransaction.requiringNew().call(() -> Deployment.byId(old)))
                .hasValueSatisfying(d -> assertThat(d.status).isEqualTo(Status.SUCCEEDED));
        assertThat(retention.removeExpired())
                .as("a removed log is not removed again")
                .isZero();
    }

    private static String recorded(Duration endedAgo, int lines) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Deployment d = new Deployment();
            d.id = UlidCreator.getMonotonicUlid().toString();
            d.target = "it-retention";
            d.trigger = Trigger.API;
            d.status = Status.SUCCEEDED;
            d.request = "{}";
            d.finishedAt = Instant.now().minus(endedAgo);
            d.createdAt = d.finishedAt.minusSeconds(30);
            d.persist();
            for (int i = 0; i < lines; i++) {
                LogLine.append(d.id, d.createdAt, "line " + i);
            }
            return d.id;
        });
    }

    private static List<String> lines(String id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> LogLine.page(id, 0, 1000, 1 << 20).lines());
    }
}
