package io.keelson.image;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keelson's own image, run by compose/docker-compose.yml in place of Watchtower: it becomes healthy
 * for docker ps, answers its API, and updates a labelled container after a push.
 */
class ComposeDropInIT {

    private static final String BASE = "keelson/jre:17-slim";
    /** The image-size goal of a Watchtower replacement for small hosts. */
    private static final long MAX_IMAGE_BYTES = 150_000_000L;

    private static final String IMAGE = "keelson:it";
    private static final int PORT = 18090;
    private static final String TOKEN = "it-compose-token-0123456789";

    private final String project = "kdropin" + UUID.randomUUID().toString().substring(0, 6);
    private final String scope = project + "-scope";
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.require();
        if (Shell.run("docker", "image", "inspect", BASE).exit() != 0) {
            throw new AssertionError(BASE
                    + " is missing — run `sudo scripts/test-env.sh` (it builds it with src/main/docker/build-jre.sh)");
        }
        Shell.run(
                        "docker",
                        "build",
                        "-q",
                        "-f",
                        "src/main/docker/Dockerfile",
                        "--build-arg",
                        "BASE_IMAGE=" + BASE,
                        "-t",
                        IMAGE,
                        ".")
                .require();
        dir = Files.createTempDirectory("keelson-compose");
        // Only for this machine: the test registry listens on the host's loopback, so Keelson shares the host's
        // network (override below), which has no published ports; the rest of the file is used as shipped.
        String shipped = Files.readString(Path.of("compose/docker-compose.yml"));
        assertThat(shipped).contains("    ports: [\"${KEELSON_PORT:-8080}:8080\"]\n");
        Files.writeString(
                dir.resolve("docker-compose.yml"),
                shipped.replace("    ports: [\"${KEELSON_PORT:-8080}:8080\"]\n", ""));
        Files.createDirectories(dir.resolve("deploy-targets"));
        Files.writeString(
                dir.resolve("deploy-targets/local-watch.yaml"),
                Files.readString(Path.of("compose/deploy-targets/local-watch.yaml"))
                        .replace("scope: \"\"", "scope: \"" + scope + "\""));
        Files.writeString(
                dir.resolve("keelson.env"),
                "KEELSON_AUTH_TOKENS_OPS_SECRET=" + TOKEN + "\nKEELSON_AUTH_TOKENS_OPS_ROLES=operate\n"
                        + "QUARKUS_HTTP_PORT=" + PORT + "\n");
        Files.writeString(
                dir.resolve("docker-compose.override.yml"),
                "version: \"3.8\"\nservices:\n  keelson:\n    network_mode: host\n");
    }

    @AfterEach
    void tearDown() {
        compose("logs", "--no-color", "--tail", "50");
        compose("down", "-v", "-t", "2");
        Shell.run("docker", "rm", "-f", scope + "-app");
        // The copy Keelson set aside at the update (kept for a rollback): each run left one behind.
        Shell.run("docker", "ps", "-aq", "--filter", "name=" + scope + "-app-keelson-old")
                .output()
                .lines()
                .forEach(id -> Shell.run("docker", "rm", "-f", id));
    }

    @Test
    void theContainerisedKeelsonIsHealthyAnswersAndUpdatesALabelledContainerAfterAPush() throws Exception {
        String gid =
                Shell.run("stat", "-c", "%g", "/var/run/docker.sock").require().strip();
        Shell.Result up = Shell.runWithEnv(
                dir,
                java.util.Map.of("KEELSON_IMAGE", IMAGE, "DOCKER_GID", gid),
                "docker-compose",
                "-p",
                project,
                "up",
                "-d");
        assertThat(up.exit()).as(up.output()).isZero();
        String container = compose("ps", "-q", "keelson").output().strip();

        awaitHealthy(container);
        answersWithTheCatalog();
        assertThat(Shell.run("docker", "inspect", "--format", "{{.Config.User}}", container)
                        .require()
                        .strip())
                .isEqualTo("10001:0");

        String repo = TestImages.uniqueRepo("dropin");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        scope + "-app",
                        "--label",
                        "com.centurylinklabs.watchtower.enable=true",
                        "--label",
                        "keelson.scope=" + scope,
                        repo + ":latest")
                .require();
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        given().header("Authorization", "Bearer " + TOKEN)
                .post("http://127.0.0.1:" + PORT + "/v1/update")
                .then()
                .statusCode(200);

        String running = null;
        for (int i = 0; i < 150 && !v2.equals(running); i++) {
            Thread.sleep(200);
            String image = Shell.run("docker", "inspect", "--format", "{{.Image}}", scope + "-app")
                    .output()
                    .strip();
            running = Shell.run(
                            "docker",
                            "image",
                            "inspect",
                            "--format",
                            "{{range .RepoDigests}}{{println .}}{{end}}",
                            image)
                    .output()
                    .lines()
                    .filter(l -> l.startsWith(repo + "@"))
                    .map(l -> l.substring(l.indexOf('@') + 1))
                    .findFirst()
                    .orElse(null);
        }
        assertThat(running).isEqualTo(v2);

        // The first clean stop records the JVM's class-data cache in the data volume; the next start uses it.
        Shell.Result stop = compose("stop", "-t", "30", "keelson");
        assertThat(stop.exit()).as(stop.output()).isZero();
        String cache = Shell.run(
                        "docker",
                        "run",
                        "--rm",
                        "--entrypoint",
                        "ls",
                        "--volumes-from",
                        container,
                        IMAGE,
                        "/var/lib/keelson/data/jvm-cache")
                .require()
                .strip();
        assertThat(cache).matches("keelson-jdk17[0-9.]*-[0-9a-f]{12}\\.jsa");
        Shell.Result start = compose("start", "keelson");
        assertThat(start.exit()).as(start.output()).isZero();
        awaitHealthy(container);
        answersWithTheCatalog();
        assertThat(Shell.run("docker", "exec", container, "grep", "-c", cache, "/proc/1/maps")
                        .require()
                        .strip())
                .as("the JVM mapped the cache (it unmaps one it cannot use)")
                .isNotEqualTo("0");
    }

    private static void answersWithTheCatalog() {
        given().header("Authorization", "Bearer " + TOKEN)
                .get("http://127.0.0.1:" + PORT + "/api/v1/targets")
                .then()
                .statusCode(200)
                .body("name", hasItem("local-watch"));
    }

    @Test
    void theImageOnKeelsonsSmallBaseStaysUnder150Megabytes() {
        long size = Long.parseLong(Shell.run("docker", "image", "inspect", "--format", "{{.Size}}", IMAGE)
                .require()
                .strip());
        assertThat(size).as("image size in bytes").isLessThanOrEqualTo(MAX_IMAGE_BYTES);
    }

    private void awaitHealthy(String container) throws InterruptedException {
        String health = "";
        for (int i = 0; i < 120 && !health.equals("healthy"); i++) {
            Thread.sleep(500);
            health = Shell.run("docker", "inspect", "--format", "{{.State.Health.Status}}", container)
                    .output()
                    .strip();
        }
        assertThat(health).as("docker ps health of Keelson's container").isEqualTo("healthy");
    }

    private Shell.Result compose(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "docker-compose";
        argv[1] = "-p";
        argv[2] = project;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Shell.runWithEnv(dir, java.util.Map.of("KEELSON_IMAGE", IMAGE), argv);
    }
}
