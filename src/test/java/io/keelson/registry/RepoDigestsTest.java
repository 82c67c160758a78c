package io.keelson.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepoDigestsTest {

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    @Test
    void picksTheDigestOfTheReferencesRepository() {
        List<String> entries = List.of("127.0.0.1:5000/ci/bot@" + A, "127.0.0.1:5000/bot@" + B);
        assertThat(RepoDigests.digestFor(entries, ImageRef.parse("127.0.0.1:5000/bot:latest")))
                .contains(B);
        assertThat(RepoDigests.digestFor(entries, ImageRef.parse("127.0.0.1:5000/other:latest")))
                .isEmpty();
    }

    @Test
    void dockerHubNamesCompareInTheirShortForm() {
        assertThat(RepoDigests.digestFor(List.of("busybox@" + A), ImageRef.parse("docker.io/library/busybox:1.36")))
                .contains(A);
        assertThat(RepoDigests.sameTag(ImageRef.parse("busybox"), ImageRef.parse("docker.io/library/busybox:latest")))
                .isTrue();
        assertThat(RepoDigests.sameTag(ImageRef.parse("busybox:1"), ImageRef.parse("busybox:2")))
                .isFalse();
    }
}
