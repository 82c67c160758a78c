package io.keelson.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A test class runs in one lane only: two named lanes that both match it would run it twice. */
class LanesTest {

    private static final List<String> NAMED = List.of(Lanes.COMPOSE, Lanes.CONTAINERS, Lanes.WATCH, Lanes.PIPELINES);

    @Test
    void everyTestClassIsInAtMostOneNamedLaneAndEveryNamedLaneHasClasses() throws IOException, URISyntaxException {
        Path root = Path.of(LanesTest.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> classes;
        try (Stream<Path> files = Files.walk(root)) {
            classes = files.map(f -> root.relativize(f).toString())
                    .filter(f -> f.endsWith("Test.class") && !f.contains("$"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
        assertThat(classes).contains("io.keelson.lanes.LanesTest");
        for (String c : classes) {
            assertThat(NAMED.stream().filter(c::matches).count())
                    .as(c + " in the named lanes")
                    .isLessThanOrEqualTo(1);
        }
        for (String lane : NAMED) {
            assertThat(classes).as("classes of " + lane).anyMatch(c -> c.matches(lane));
        }
    }
}
