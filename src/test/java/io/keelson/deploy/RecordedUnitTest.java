package io.keelson.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.strategy.ChangeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each unit runs, read from the history newest first (the {@code running} field of a target). */
class RecordedUnitTest {

    private static DeploymentChange change(
            String deployment,
            String host,
            String unit,
            String image,
            String fromImage,
            String from,
            String to,
            ChangeStatus status) {
        DeploymentChange c = new DeploymentChange();
        c.deploymentId = deployment;
        c.host = host;
        c.unit = unit;
        c.image = image;
        c.fromImage = fromImage;
        c.fromDigest = from;
        c.toDigest = to;
        c.status = status;
        return c;
    }

    @Test
    void theNewestChangeOfEachUnitAndHostSaysWhatRuns() {
        List<RecordedUnit> units = RecordedUnit.of(List.of(
                change("d3", "b", "bot", "r/bot:2", "r/bot:1", "sha256:1", "sha256:2", ChangeStatus.ROLLED_BACK),
                change("d3", "a", "bot", "r/bot:2", "r/bot:1", "sha256:1", "sha256:2", ChangeStatus.SUCCEEDED),
                change("d2", "a", "bot", "r/bot:1", null, null, "sha256:1", ChangeStatus.SUCCEEDED),
                change("d2", "a", "web", "r/web:1", null, null, "sha256:9", ChangeStatus.FAILED)));
        assertThat(units)
                .containsExactly(
                        new RecordedUnit("a", "bot", "r/bot:2", "sha256:2", ChangeStatus.SUCCEEDED, "d3"),
                        new RecordedUnit("b", "bot", "r/bot:1", "sha256:1", ChangeStatus.ROLLED_BACK, "d3"),
                        new RecordedUnit("a", "web", "r/web:1", "sha256:9", ChangeStatus.FAILED, "d2"));
    }

    @Test
    void aRollbackPinnedByDigestShowsTheTagThatDigestWasDeployedUnder() {
        List<RecordedUnit> units = RecordedUnit.of(List.of(
                change(
                        "d3",
                        "a",
                        "bot",
                        "r/bot@sha256:1",
                        "r/bot:latest",
                        "sha256:2",
                        "sha256:1",
                        ChangeStatus.SUCCEEDED),
                change(
                        "d2",
                        "a",
                        "bot",
                        "r/bot:latest",
                        "r/bot:latest",
                        "sha256:1",
                        "sha256:2",
                        ChangeStatus.SUCCEEDED),
                change("d1", "a", "bot", "r/bot:v1", null, null, "sha256:1", ChangeStatus.SUCCEEDED)));
        // d2 moved away from sha256:1, which it found running as r/bot:latest: the newest tag for that digest.
        assertThat(units)
                .containsExactly(
                        new RecordedUnit("a", "bot", "r/bot:latest", "sha256:1", ChangeStatus.SUCCEEDED, "d3"));
    }
}
