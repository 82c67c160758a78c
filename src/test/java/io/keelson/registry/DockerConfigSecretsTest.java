package io.keelson.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials read from a Docker config.json are handed to the Redactor as they are read, and a
 * broken file is reported without its content.
 */
class DockerConfigSecretsTest {

    @TempDir
    Path dir;

    @Test
    void everyCredentialInTheFileIsHandedOnAsASecret() throws Exception {
        String auth = Base64.getEncoder().encodeToString("ci:config-json-password".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"auths": {"registry.example.com": {"auth": "%s"},
                           "https://other.example.com/v1/": {"identitytoken": "config-json-identity-token"},
                           "third.example.com": {"username": "u", "password": "config-json-plain-password"}}}
                """.formatted(auth));
        List<String> secrets = new ArrayList<>();

        var credentials =
                new CredentialSource.DockerConfig(file, Set.of(), secrets::add).forRegistry("registry.example.com");

        assertThat(credentials).contains(new Credentials("ci", "config-json-password"));
        assertThat(secrets)
                .contains(auth, "config-json-password", "config-json-identity-token", "config-json-plain-password");
    }

    @Test
    void aFileThatDoesNotParseIsReportedWithoutWhatItHolds() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "leakedfirsttoken {\"auths\": {}}");

        assertThatThrownBy(() ->
                        new CredentialSource.DockerConfig(file, Set.of(), s -> {}).forRegistry("registry.example.com"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file + " is not valid JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("leakedfirsttoken"));
    }
}
