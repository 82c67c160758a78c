package io.keelson.catalog;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads of a catalog folder that is not the configured one (a copy of it plus one target of the
 * test's own), in the running application: what a missing, unreadable or empty folder leaves, and
 * the paused state of a target whose file goes and comes back. Each test reloads the configured
 * folder afterwards, which puts the shared test catalog back as it was.
 */
@QuarkusTest
class CatalogReloadTest {

    @Inject
    TargetCatalog catalog;

    @TempDir
    Path dir;

    private String name;
    private Path file;

    @BeforeEach
    void copyTheTestCatalogAndAddATarget() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/deploy-targets"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        name = "it-cat-" + UUID.randomUUID().toString().substring(0, 8);
        file = dir.resolve(name + ".yaml");
        // A watch target over a scope with no containers: a deployment of it ends at once.
        Files.writeString(file, """
                name: %s
                strategy: watch
                watch: {interval: 1h, labelEnable: true, scope: none-%s}
                """.formatted(name, name));
        assertThat(catalog.reload(dir, false).loaded()).contains(name, "it-file-target");
    }

    @AfterEach
    void reloadTheConfiguredFolder() {
        assertThat(catalog.reload().loaded()).contains("it-file-target", "example-homolog");
    }

    @Test
    void aMissingFolderOrAFileInItsPlaceChangesNothingAndSaysWhy() throws IOException {
        catalog.setPaused(name, true);
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder.txt"), "");

        for (Path unusable : new Path[] {dir.resolve("missing"), notAFolder}) {
            ReloadReport report = catalog.reload(unusable, false);

            assertThat(report.removed()).isEmpty();
            assertThat(report.loaded()).isEmpty();
            assertThat(report.problems())
                    .singleElement()
                    .extracting(CatalogProblem::toString)
                    .asString()
                    .startsWith(unusable + ": catalog folder does not exist");
            assertThat(catalog.find(name))
                    .hasValueSatisfying(t -> assertThat(t.paused()).isTrue());
            assertThat(catalog.find("it-file-target")).isPresent();
            assertThat(catalog.find("example-homolog")).isPresent();
        }
        catalog.setPaused(name, false);
    }

    @Test
    void anEmptyFolderChangesNothingUntilConfirmed() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));

        ReloadReport kept = catalog.reload(empty, false);

        assertThat(kept.removed()).isEmpty();
        assertThat(kept.problems())
                .singleElement()
                .extracting(CatalogProblem::reason)
                .asString()
                .contains("holds no target file")
                .contains("allowEmpty=true");
        assertThat(catalog.find(name)).isPresent();

        ReloadReport confirmed = catalog.reload(empty, true);

        assertThat(confirmed.removed()).contains(name, "it-file-target", "example-homolog");
        assertThat(catalog.find(name)).isEmpty();
    }

    @Test
    void aPausedTargetWhoseFileGoesAndComesBackIsStillPausedAndKeepsItsHistory() throws IOException {
        String deployment = as(CI).body("{}")
                .post("/api/v1/targets/" + name + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        catalog.setPaused(name, true); // as a rollback of a watch target does
        String text = Files.readString(file);
        Files.delete(file);

        assertThat(catalog.reload(dir, false).removed()).containsExactly(name);
        assertThat(catalog.find(name)).isEmpty();
        as(READER).get("/api/v1/targets/" + name).then().statusCode(404);

        Files.writeString(file, text);
        assertThat(catalog.reload(dir, false).loaded()).contains(name);

        assertThat(catalog.find(name))
                .hasValueSatisfying(t -> assertThat(t.paused())
                        .as("paused as it was when its file went")
                        .isTrue());
        assertThat(as(READER)
                        .get("/api/v1/targets/" + name + "/deployments")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("id", String.class))
                .containsExactly(deployment);
        catalog.setPaused(name, false);
    }

    @Test
    void aFileWhoseTargetOverlapsAnApiTargetIsRejectedAndTheOthersLoad() throws IOException {
        String api = Api.uniqueTarget();
        as(ADMIN).body("""
                {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "shared-%s"}}
                """.formatted(api, api)).post("/api/v1/targets").then().statusCode(201);
        try {
            Path clash = dir.resolve("clash.yaml");
            Files.writeString(clash, """
                    name: it-clash-%s
                    strategy: watch
                    watch: {interval: 1h, scope: shared-%s}
                    """.formatted(api.substring(3), api));

            ReloadReport report = catalog.reload(dir, false);

            assertThat(report.loaded()).contains(name, "it-file-target").doesNotContain("it-clash-" + api.substring(3));
            assertThat(report.problems())
                    .singleElement()
                    .extracting(CatalogProblem::toString)
                    .asString()
                    .startsWith(clash + ": watch.scope: target 'it-clash-" + api.substring(3) + "' overlaps target '"
                            + api + "'");
        } finally {
            as(ADMIN).delete("/api/v1/targets/" + api).then().statusCode(204);
        }
    }
}
