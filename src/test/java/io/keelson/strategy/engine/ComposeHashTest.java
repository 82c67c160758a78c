package io.keelson.strategy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docker-compose, run by Keelson to compute a config hash, gets a bounded time and only the
 * environment it needs. A script stands in for docker-compose here.
 */
class ComposeHashTest {

    private static final String HASH = "b".repeat(64);

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("keelson-hash");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Test
    void theHashIsReadFromWhatComposePrints() throws IOException {
        Path compose = script("echo \"web " + HASH + "\"");

        ComposeHash.Result result =
                ComposeHash.of(labels(), "unix:///var/run/docker.sock", compose.toString(), Duration.ofSeconds(10));

        assertThat(result.hash()).contains(HASH);
    }

    @Test
    void composeGetsOnlyThePathHomeLocaleAndDockerSettingsOfKeelsonsEnvironment() throws IOException {
        Path compose = script("env | cut -d= -f1 > \"$(dirname \"$0\")/env\"; echo \"web " + HASH + "\"");

        ComposeHash.of(labels(), "unix:///var/run/docker.sock", compose.toString(), Duration.ofSeconds(10));

        Set<String> names =
                Set.copyOf(Arrays.asList(Files.readString(dir.resolve("env")).split("\n")));
        assertThat(names)
                .contains("DOCKER_HOST", "PATH")
                .isSubsetOf(
                        "PATH",
                        "HOME",
                        "LANG",
                        "LC_ALL",
                        "TMPDIR",
                        "DOCKER_CONFIG",
                        "DOCKER_CERT_PATH",
                        "DOCKER_TLS_VERIFY",
                        "DOCKER_HOST",
                        "PWD",
                        "SHLVL",
                        "_");
    }

    @Test
    void aComposeThatHangsIsStoppedAtTheTimeoutWithItsChildren() throws Exception {
        Path compose = script("echo started; sleep 300 & echo $! > \"$(dirname \"$0\")/child\"; wait");

        ComposeHash.Result result = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> ComposeHash.of(
                        labels(), "unix:///var/run/docker.sock", compose.toString(), Duration.ofSeconds(2)));

        assertThat(result.hash()).isEmpty();
        assertThat(result.problem()).contains("did not end within 2s");
        long child = Long.parseLong(Files.readString(dir.resolve("child")).strip());
        // Killed, it may stay a zombie a moment until whoever adopted it reaps it: no cmdline then.
        await().atMost(Duration.ofSeconds(5)).until(() -> !running(child));
    }

    private static boolean running(long pid) {
        try {
            return !Files.readString(Path.of("/proc/" + pid + "/cmdline")).isEmpty();
        } catch (IOException gone) {
            return false;
        }
    }

    private Map<String, String> labels() {
        return Map.of(
                ComposeHash.PROJECT, "p",
                ComposeHash.SERVICE, "web",
                ComposeHash.CONFIG_HASH, "old",
                ComposeHash.WORKING_DIR, dir.toString(),
                ComposeHash.CONFIG_FILES, dir.resolve("docker-compose.yml").toString(),
                ComposeHash.VERSION, "1.29.2");
    }

    private Path script(String body) throws IOException {
        Path file = dir.resolve("fake-compose");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
