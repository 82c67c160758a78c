package io.keelson.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuietChecksTest {

    private final QuietChecks quiet = new QuietChecks();

    @Test
    void aNoteIsFreshOnceThenAgainOnlyAfterItWentAwayOrTheTargetChanged() {
        assertThat(quiet.fresh("bot", List.of("a: not watched"))).containsExactly("a: not watched");
        assertThat(quiet.fresh("bot", List.of("a: not watched"))).isEmpty();
        assertThat(quiet.fresh("web", List.of("a: not watched")))
                .as("per target")
                .containsExactly("a: not watched");

        assertThat(quiet.fresh("bot", List.of("a: not watched", "registry refused")))
                .containsExactly("registry refused");
        assertThat(quiet.fresh("bot", List.of())).isEmpty();
        assertThat(quiet.fresh("bot", List.of("registry refused")))
                .as("back after a clean check")
                .containsExactly("registry refused");

        quiet.forget("bot");
        assertThat(quiet.fresh("bot", List.of("registry refused"))).containsExactly("registry refused");
    }
}
