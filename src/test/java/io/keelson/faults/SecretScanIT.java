package io.keelson.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * After the whole unit and integration suite: no secret the suite gave Keelson appears in Keelson's
 * own log (which carries every deployment log line and error as it was written), in the logs of the
 * Keelson processes the fault suite started, or in any API answer the suite received.
 */
class SecretScanIT {

    @Test
    void noSecretTurnsUpInAnyLogOrAnswer() throws Exception {
        List<Path> places =
                new ArrayList<>(List.of(Path.of("target/keelson-test.log"), Path.of("target/api-answers.log")));
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            tmp.filter(p -> p.getFileName().toString().startsWith("keelson-process"))
                    .map(p -> p.resolve("keelson.log"))
                    .filter(Files::exists)
                    .forEach(places::add);
        }
        for (Path must : places.subList(0, 2)) {
            assertThat(must).as("written by the suite before this scan").exists();
        }
        List<String> secrets = TestSecrets.all();
        assertThat(secrets).hasSizeGreaterThan(4);
        List<String> hits = new ArrayList<>();
        for (Path place : places) {
            String text = new String(Files.readAllBytes(place), StandardCharsets.UTF_8);
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    hits.add(place + " contains a secret starting with "
                            + secret.substring(0, Math.min(4, secret.length())));
                }
            }
        }
        assertThat(hits).isEmpty();
    }
}
