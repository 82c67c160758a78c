package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.support.CatalogRules;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environments block: what a template may say, and how an environment's names are made from it. */
class EnvironmentsSpecTest {

    private static final EnvironmentsSpec GOOD = new EnvironmentsSpec(
            "/srv/review/{slug}",
            "tais-{slug}",
            Map.of("bot", "20000-20999"),
            "http://review.example.com:{port.bot}/{slug}",
            Duration.ofHours(72),
            20);

    @Test
    void aGoodBlockMakesNamesFromTheSlug() {
        assertThat(problems("tais-review", GOOD)).isEmpty();
        assertThat(GOOD.projectDirOf("feature-x")).isEqualTo("/srv/review/feature-x");
        assertThat(GOOD.projectNameOf("feature-x")).isEqualTo("tais-feature-x");
        assertThat(GOOD.urlOf("feature-x", "10.0.0.5", Map.of("bot", 20001)))
                .isEqualTo("http://review.example.com:20001/feature-x");
        assertThat(EnvironmentsSpec.portVariable("web-app.v2")).isEqualTo("KEELSON_PORT_WEB_APP_V2");
        assertThat(GOOD.ranges().get("bot")).isEqualTo(new EnvironmentsSpec.Range(20000, 20999));
    }

    @Test
    void slugsFollowGitLabsGrammarAndNothingElseReachesAPath() {
        assertThat(List.of("a", "review-feature-x", "a1", "x".repeat(40))).allMatch(EnvironmentsSpec::isSlug);
        assertThat(List.of("", "-a", "a-", "A", "a_b", "a.b", "..", "a/b", "x".repeat(41), "a b"))
                .noneMatch(EnvironmentsSpec::isSlug);
        assertThatThrownBy(() -> GOOD.projectDirOf("../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badFieldsAreNamed() {
        EnvironmentsSpec bad = new EnvironmentsSpec(
                "/srv/{slug}/app",
                "Tais_{slug}",
                Map.of("bot", "80-90", "web", "20000-20010", "api", "20005-20020"),
                "ftp://x/{port.db}",
                Duration.ofSeconds(1),
                0);
        assertThat(problems("a-template-name-too-long", bad))
                .contains(
                        "name",
                        "environments.projectDir",
                        "environments.projectName",
                        "environments.ports.bot",
                        "environments.url",
                        "environments.ttl",
                        "environments.max");
        assertThat(problems("t", bad))
                .anyMatch(f -> f.equals("environments.ports.web") || f.equals("environments.ports.api"));
        assertThat(problems("t", new EnvironmentsSpec("/srv/a/../{slug}", "x-{slug}", null, null, null, null)))
                .contains("environments.projectDir");
        assertThat(problems("t", new EnvironmentsSpec("/srv/{slug}{slug}", "x-{slug}", null, null, null, null)))
                .contains("environments.projectDir");
    }

    @Test
    void onlyAnSshComposeTargetTakesTheBlock() {
        TargetSpec watch = new TargetSpec(
                "w",
                "watch",
                null,
                null,
                null,
                null,
                new DockerSpec("unix:///var/run/docker.sock", null),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                GOOD,
                null,
                null,
                null);
        assertThat(CatalogRules.validator().validate(watch).stream().map(CatalogProblem::field))
                .contains("environments");
    }

    private static List<String> problems(String name, EnvironmentsSpec block) {
        TargetSpec spec = new TargetSpec(
                name,
                TargetSpec.SSH_COMPOSE,
                null,
                new SshSpec(List.of("10.0.0.5"), 22, "deploy", "/k", "/kh"),
                new ComposeSpec("/srv/app", null, null, List.of("bot"), null),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                block,
                null,
                null,
                null);
        return CatalogRules.validator().validate(spec).stream()
                .map(CatalogProblem::field)
                .toList();
    }
}
