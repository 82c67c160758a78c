package io.keelson.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void splitsRegistryRepositoryTagAndDigest() {
        ImageRef ref = ImageRef.parse("registry.example.com:5000/lappis/bot:3f2a9c1@" + DIGEST);
        assertThat(ref.domain()).isEqualTo("registry.example.com:5000");
        assertThat(ref.path()).isEqualTo("lappis/bot");
        assertThat(ref.tag()).isEqualTo("3f2a9c1");
        assertThat(ref.digest()).isEqualTo(DIGEST);
        assertThat(ref.repository()).isEqualTo("registry.example.com:5000/lappis/bot");
    }

    @Test
    void aFirstComponentWithoutDotOrPortIsAPathNotARegistry() {
        ImageRef ref = ImageRef.parse("lappis/bot");
        assertThat(ref.domain()).isNull();
        assertThat(ref.repository()).isEqualTo("lappis/bot");
        assertThat(ref.effectiveTag()).isEqualTo("latest");
        assertThat(ImageRef.parse("localhost/bot").domain()).isEqualTo("localhost");
    }

    @Test
    void pinningReplacesTheTagWithTheDigest() {
        assertThat(ImageRef.parse("127.0.0.1:5000/it/bot:latest").pinned(DIGEST).toString())
                .isEqualTo("127.0.0.1:5000/it/bot@" + DIGEST);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "bot;reboot",
                "bot:1 2",
                "Registry/Bot",
                "bot:$(reboot)",
                "bot@sha256:short",
                "bot:-tag",
                "a//b",
                "bot'"
            })
    void rejectsAnythingOutsideTheGrammar(String text) {
        assertThatThrownBy(() -> ImageRef.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
