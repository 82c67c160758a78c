package io.keelson.strategy.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectionTest {

    @Test
    void withLabelEnableOnlyContainersThatOptInAreSelectedInEitherFamily() {
        assertThat(Selection.selected(Map.of(), true, "")).isFalse();
        assertThat(Selection.selected(Map.of("keelson.enable", "true"), true, ""))
                .isTrue();
        assertThat(Selection.selected(Map.of("com.centurylinklabs.watchtower.enable", "TRUE"), true, ""))
                .isTrue();
    }

    @Test
    void aFalseInEitherFamilyAlwaysWins() {
        assertThat(Selection.selected(Map.of("keelson.enable", "false"), false, ""))
                .isFalse();
        assertThat(Selection.selected(
                        Map.of("keelson.enable", "true", "com.centurylinklabs.watchtower.enable", "false"), true, ""))
                .isFalse();
        assertThat(Selection.selected(
                        Map.of("com.centurylinklabs.watchtower.enable", "true", "keelson.enable", "false"), true, ""))
                .isFalse();
    }

    @Test
    void withoutLabelEnableEveryContainerNotOptedOutIsSelected() {
        assertThat(Selection.selected(Map.of(), false, "")).isTrue();
    }

    @Test
    void aScopeSelectsOnlyContainersOfThatScope() {
        assertThat(Selection.selected(Map.of("keelson.scope", "prod"), false, "prod"))
                .isTrue();
        assertThat(Selection.selected(Map.of("com.centurylinklabs.watchtower.scope", "prod"), false, "prod"))
                .isTrue();
        assertThat(Selection.selected(Map.of("keelson.scope", "dev"), false, "prod"))
                .isFalse();
        assertThat(Selection.selected(Map.of(), false, "prod")).isFalse();
        assertThat(Selection.selected(Map.of("keelson.scope", "dev"), false, ""))
                .isTrue();
    }

    @Test
    void theStopTimeoutLabelIsReadInSeconds() {
        assertThat(Selection.stopTimeout(Map.of("keelson.stop-timeout", "30"))).contains(30);
        assertThat(Selection.stopTimeout(Map.of("keelson.stop-timeout", "soon")))
                .isEmpty();
    }
}
