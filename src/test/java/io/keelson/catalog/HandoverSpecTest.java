package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.edge.EdgeRoute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandoverSpecTest {

    @Test
    void aUnitsPortsBecomeTheEdgesRoutes() {
        HandoverSpec spec = new HandoverSpec(
                null,
                null,
                Map.of(
                        "bot",
                        new HandoverSpec.UnitHandover(HandoverSpec.Mode.OVERLAP, List.of("127.0.0.1:8080:8000"))));

        assertThat(spec.routes("bot")).containsExactly(new EdgeRoute("bot", "127.0.0.1", 8080, 8000));
        assertThat(spec.routes("db")).isEmpty();
        assertThat(spec.effectiveDrain()).isEqualTo(Duration.ofSeconds(30));
        assertThat(problems(spec, Set.of("bot"))).isEmpty();
    }

    @Test
    void eachMistakeIsNamedByItsField() {
        HandoverSpec spec = new HandoverSpec(
                "not an image!",
                Duration.ofHours(2),
                Map.of(
                        "bot",
                        new HandoverSpec.UnitHandover(null, List.of("8080:8000", "8080:9000")),
                        "ghost",
                        new HandoverSpec.UnitHandover(HandoverSpec.Mode.HOLD, List.of("8080")),
                        "bad name;",
                        new HandoverSpec.UnitHandover(HandoverSpec.Mode.HOLD, List.of("1:1"))));

        assertThat(problems(spec, Set.of("bot")))
                .contains(
                        "handover.edgeImage",
                        "handover.drainTimeout",
                        "handover.units.bot.mode",
                        "handover.units.bot.ports",
                        "handover.units.ghost",
                        "handover.units.ghost.ports",
                        "handover.units");
        assertThat(problems(new HandoverSpec(null, null, Map.of()), null)).containsExactly("handover.units");
    }

    private static List<String> problems(HandoverSpec spec, Set<String> units) {
        CatalogChecks checks = new CatalogChecks();
        spec.check(units, checks);
        return checks.problems().stream().map(CatalogProblem::field).toList();
    }
}
