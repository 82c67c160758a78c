package io.keelson.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.registry.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one order shape, as the deployment row keeps it: what was asked survives as asked. */
class DeployOrderTest {

    @Test
    void anOrderComesBackFromItsRowAsItWasAsked() {
        DeployOrder asked = DeployOrder.deploy(
                List.of("bot", "web"), true, ImageRef.parse("reg.example.com/team/bot:3f2a9c1"), Map.of(), List.of());

        DeployOrder stored = DeployOrder.fromJson(asked.toJson());

        assertThat(stored).isEqualTo(asked);
        assertThat(stored.image().tag()).isEqualTo("3f2a9c1");
    }

    @Test
    void aReleaseKeepsEachUnitsImage() {
        DeployOrder release = DeployOrder.deploy(
                List.of(),
                false,
                null,
                Map.of("bot", ImageRef.parse("reg/bot:1"), "web", ImageRef.parse("reg/web:1")),
                List.of());

        assertThat(DeployOrder.fromJson(release.toJson()).release())
                .containsEntry("web", ImageRef.parse("reg/web:1"))
                .hasSize(2);
        assertThat(release.isRelease()).isTrue();
    }

    @Test
    void refusedDigestsAreFoundWhenTheOrderRunsAndNeverStored() {
        DeployOrder check = DeployOrder.check(List.of()).withRefused(Set.of("app@sha256:" + "a".repeat(64)));

        assertThat(check.toJson()).doesNotContain("refused");
        assertThat(DeployOrder.fromJson(check.toJson()).refused()).isEmpty();
    }

    @Test
    void aRowWrittenByTheEarlierOrderShapeStillReads() {
        String earlier = """
                {"units":["bot"],"force":false,"image":"reg/bot:2","pins":{},"images":[],"rollback":false,"toDeployment":null,
                 "release":{"bot":"reg/bot:2"}}""";

        DeployOrder order = DeployOrder.fromJson(earlier);

        assertThat(order.units()).containsExactly("bot");
        assertThat(order.image()).isEqualTo(ImageRef.parse("reg/bot:2"));
        assertThat(order.release()).containsEntry("bot", ImageRef.parse("reg/bot:2"));
        assertThat(order.isRollback()).isFalse();
    }

    @Test
    void aRollbackIsPlannedWhenItRuns() {
        DeployOrder asked = DeployOrder.fromJson(DeployOrder.rollbackTo("01JC").toJson());

        DeployOrder planned = asked.planned(Map.of(
                "10.0.0.5", Map.of("bot", new DeployOrder.Pin("reg/bot:1", "sha256:" + "b".repeat(64)))));

        assertThat(asked.rollback()).isTrue();
        assertThat(asked.isRollback()).as("nothing pinned yet").isFalse();
        assertThat(planned.isRollback()).isTrue();
        assertThat(planned.units()).containsExactly("bot");
        assertThat(planned.toDeployment()).isEqualTo("01JC");
    }
}
