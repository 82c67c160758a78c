package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.CatalogRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogFilesTest {

    private static final String GOOD = """
            name: %s
            strategy: ssh-compose
            ssh:
              hosts: [10.0.0.5]
              user: deploy
              privateKeyFile: /run/secrets/key
              knownHostsFile: /run/secrets/known_hosts
            compose:
              projectDir: /srv/app
              services: [bot]
            rollout:
              healthTimeout: 60s
              stableFor: 500ms
            """;

    @TempDir
    Path dir;

    @Test
    void theShippedExamplesAreValidOnePerStrategy() {
        CatalogFiles.Read read = CatalogFiles.read(java.nio.file.Path.of("deploy-targets"), CatalogRules.validator());

        assertThat(read.problems()).isEmpty();
        assertThat(read.entries().stream().map(e -> e.spec().strategy()))
                .containsExactlyInAnyOrder("ssh-compose", "ssh-docker", "watch");
    }

    @Test
    void aBrokenFileIsRejectedWithFileFieldAndReasonWhileTheOthersLoad() throws IOException {
        Files.writeString(dir.resolve("a-good.yaml"), GOOD.formatted("good"));
        Files.writeString(
                dir.resolve("b-typo.yaml"), GOOD.formatted("typo").replace("privateKeyFile", "privateKeyFil"));
        Files.writeString(
                dir.resolve("c-bad-port.yml"),
                GOOD.formatted("badport").replace("user: deploy", "user: deploy\n  port: 70000"));
        Files.writeString(dir.resolve("d-not-yaml.yaml"), "name: x\nssh:\n  hosts: [a\n  user: \"unterminated\n");
        Files.writeString(
                dir.resolve("e-bad-duration.yaml"), GOOD.formatted("dur").replace("60s", "soon"));

        CatalogFiles.Read read = CatalogFiles.read(dir, CatalogRules.validator());

        assertThat(read.entries()).extracting(e -> e.spec().name()).containsExactly("good");
        assertThat(read.problems())
                .extracting(CatalogProblem::toString)
                .containsExactlyInAnyOrder(
                        dir.resolve("b-typo.yaml") + ": ssh.privateKeyFil: unknown field",
                        dir.resolve("c-bad-port.yml") + ": ssh.port: must be between 1 and 65535",
                        dir.resolve("e-bad-duration.yaml") + ": rollout.healthTimeout: invalid value 'soon'",
                        read.problems().stream()
                                .filter(p -> p.source().endsWith("d-not-yaml.yaml"))
                                .findFirst()
                                .orElseThrow()
                                .toString());
        assertThat(read.problems().stream()
                        .filter(p -> p.source().endsWith("d-not-yaml.yaml"))
                        .findFirst()
                        .orElseThrow()
                        .reason())
                .startsWith("does not parse");
    }

    @Test
    void aFileMayAskForItsTargetToStartPaused() throws IOException {
        Files.writeString(
                dir.resolve("a.yaml"),
                GOOD.formatted("quiet").replace("strategy: ssh-compose", "strategy: ssh-compose\npaused: true"));

        assertThat(CatalogFiles.read(dir, CatalogRules.validator())
                        .entries()
                        .get(0)
                        .spec()
                        .startsPaused())
                .isTrue();
    }

    @Test
    void twoFilesWithOneNameKeepTheFirst() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("same"));
        Files.writeString(dir.resolve("b.yaml"), GOOD.formatted("same"));

        CatalogFiles.Read read = CatalogFiles.read(dir, CatalogRules.validator());

        assertThat(read.entries()).hasSize(1);
        assertThat(read.problems())
                .singleElement()
                .extracting(CatalogProblem::field)
                .isEqualTo("name");
    }

    @Test
    void aFolderThatIsMissingOrNotAFolderIsUnreadableAndAnEmptyOneIsEmpty() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Files.createDirectory(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/README.md"), "no target here");

        assertThat(CatalogFiles.read(dir.resolve("missing"), CatalogRules.validator())
                        .folder())
                .isEqualTo(CatalogFiles.Folder.UNREADABLE);
        assertThat(CatalogFiles.read(file, CatalogRules.validator()).folder())
                .isEqualTo(CatalogFiles.Folder.UNREADABLE);
        assertThat(CatalogFiles.read(dir.resolve("empty"), CatalogRules.validator()))
                .satisfies(read -> assertThat(read.folder()).isEqualTo(CatalogFiles.Folder.EMPTY))
                .satisfies(read -> assertThat(read.problems()).isEmpty());
        Files.writeString(dir.resolve("broken.yaml"), "name: [");
        assertThat(CatalogFiles.read(dir, CatalogRules.validator()).folder()).isEqualTo(CatalogFiles.Folder.LISTED);
    }

    @Test
    void aLaterFileWhoseTargetOverlapsAnEarlierOneIsRejectedNamingBoth() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("first"));
        Files.writeString(dir.resolve("b.yaml"), GOOD.formatted("second"));
        Files.writeString(dir.resolve("c.yaml"), GOOD.formatted("third").replace("/srv/app", "/srv/other"));

        CatalogFiles.Read read = CatalogFiles.read(dir, CatalogRules.validator());

        assertThat(read.entries()).extracting(e -> e.spec().name()).containsExactly("first", "third");
        assertThat(read.problems())
                .extracting(CatalogProblem::toString)
                .containsExactly(dir.resolve("b.yaml")
                        + ": compose.projectDir: target 'second' overlaps target 'first': both deploy the compose"
                        + " project in /srv/app on 10.0.0.5:22; one project folder belongs to one target (defined in "
                        + dir.resolve("a.yaml") + ")");
    }

    @Test
    void durationsReadAsTheCatalogWritesThem() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("durations"));

        TargetSpec spec = CatalogFiles.read(dir, CatalogRules.validator())
                .entries()
                .get(0)
                .spec();

        assertThat(spec.rollout().healthTimeout()).hasSeconds(60);
        assertThat(spec.rollout().stableFor()).hasMillis(500);
        assertThat(SpecBinder.toJson(spec))
                .contains("\"healthTimeout\":\"60s\"")
                .contains("\"stableFor\":\"500ms\"");
    }
}
