package io.keelson.strategy.watch;

import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.deploy.CheckRequest;
import io.keelson.support.ComposeProject;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.WatchFixture;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What starts a watch check without waiting for the interval, and how it leaves compose projects. */
@QuarkusTest
class WatchTriggersTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    private WatchFixture fx;
    private String repo;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        fx = new WatchFixture().create();
        repo = TestImages.uniqueRepo("trigger");
    }

    @AfterEach
    void tearDown() {
        fx.cleanUp();
    }

    @Test
    void aRegistryPushNotificationStartsAnUpdateWithoutWaitingForTheInterval() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        fx.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String path = repo.substring(TestEnv.REGISTRY.length() + 1);
        String envelope = """
                {"events": [{"id": "1", "timestamp": "2026-11-22T00:00:00Z", "action": "push",
                  "target": {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "%s",
                             "repository": "%s", "tag": "latest", "url": "http://%s/v2/%s/manifests/%s"},
                  "request": {"host": "%s", "method": "PUT"}}]}
                """.formatted(v2, path, TestEnv.REGISTRY, path, v2, TestEnv.REGISTRY);

        as(CI).contentType("application/vnd.docker.distribution.events.v1+json")
                .body(envelope)
                .post("/api/v1/hooks/registry")
                .then()
                .statusCode(202);

        JsonPath d = awaitDeployment();
        assertThat(d.getString("trigger")).isEqualTo("WEBHOOK");
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v2);
        assertThat(fx.digest(name, repo)).isEqualTo(v2);
    }

    @Test
    void aThousandImageWebhookWhileACheckWaitsIsAcceptedAndTheCheckCoversEveryImage() {
        // Keep the target's lane busy: an update whose new container never passes its gate.
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        fx.run(
                fx.name("slow"),
                List.of("--label", "keelson.enable=true", "--restart", "unless-stopped"),
                repo + ":latest",
                STAY_UP);
        TestImages.push(TestImages.Kind.CRASH, repo + ":latest");
        String busy = as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> as(CI).get("/api/v1/deployments/" + busy).jsonPath().getList("log", String.class).stream()
                        .anyMatch(l -> l.contains("waiting for the health gate")));
        as(CI).post("/v1/update?image=" + repo + ":latest").then().statusCode(200);
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            events.append(i == 0 ? "" : ",").append("""
                    {"action": "push", "target": {"repository": "it/flood-%04d", "tag": "v%04d"},
                     "request": {"host": "%s"}}""".formatted(i, i, TestEnv.REGISTRY));
        }
        String envelope = "{\"events\": [" + events + "]}";
        assertThat(envelope.length()).isGreaterThan(100_000);

        JsonPath answer = as(CI).contentType("application/vnd.docker.distribution.events.v1+json")
                .body(envelope)
                .post("/api/v1/hooks/registry")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();

        assertThat(answer.getList("coalesced", String.class)).contains(fx.target);
        assertThat(answer.getList("failed", String.class)).isEmpty();
        String waiting =
                QuarkusTransaction.requiringNew().call(() -> CheckRequest.<CheckRequest>findById(fx.target).images);
        assertThat(waiting)
                .as("past the bound, the joined check is one of every image")
                .isEqualTo("[]");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> List.of("FAILED", "ROLLED_BACK")
                        .contains(as(CI).get("/api/v1/deployments/" + busy).path("status")));
    }

    @Test
    void thePollingScheduleUpdatesWithinAnIntervalOfAPush() throws Exception {
        // A later "interval" member overrides the fixture's hour (the last of duplicate JSON keys wins).
        WatchFixture polling = new WatchFixture().create(", \"interval\": \"2s\"", "");
        try {
            TestImages.push(TestImages.Kind.APP, repo + ":latest");
            String name = polling.name("app");
            polling.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
            String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

            JsonPath d = awaitDeployment(polling.target);

            assertThat(d.getString("trigger")).isEqualTo("WATCH");
            assertThat(d.getString("requestedBy")).isEqualTo("watcher");
            assertThat(polling.digest(name, repo)).isEqualTo(v2);
        } finally {
            polling.cleanUp();
        }
    }

    @Test
    void aCronScheduleChecksOnItsOwnAndCleanupRemovesTheSupersededImage() throws Exception {
        // Every two seconds, in the scheduler's Quartz syntax; a later "interval" member is dropped by the override
        // below.
        WatchFixture cron = new WatchFixture().create(", \"schedule\": \"0/2 * * * * ?\", \"cleanup\": true", "");
        try {
            TestImages.push(TestImages.Kind.APP, repo + ":latest");
            String name = cron.name("app");
            cron.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
            String oldImage = cron.inspect(name, "{{.Image}}");
            String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

            JsonPath d = awaitDeployment(cron.target);

            assertThat(d.getString("trigger")).isEqualTo("WATCH");
            assertThat(cron.digest(name, repo)).isEqualTo(v2);
            assertThat(d.getList("log", String.class))
                    .anyMatch(l -> l.contains("cleanup: removed superseded image " + oldImage));
            assertThat(Shell.run("docker", "image", "inspect", oldImage).exit())
                    .as("the old image is gone")
                    .isNotZero();
        } finally {
            cron.cleanUp();
        }
    }

    @Test
    void watchtowersUpdateEndpointChecksNowAndHonoursTheImageFilter() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String other = TestImages.uniqueRepo("other");
        TestImages.push(TestImages.Kind.APP, other + ":latest");
        String name = fx.name("app");
        String untouched = fx.name("other");
        fx.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        String otherId = fx.run(untouched, List.of("--label", "keelson.enable=true"), other + ":latest", STAY_UP);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        TestImages.push(TestImages.Kind.APP, other + ":latest");

        as(CI).post("/v1/update?image=" + repo + ":latest").then().statusCode(200);

        awaitDeployment();
        assertThat(fx.digest(name, repo)).isEqualTo(v2);
        assertThat(fx.id(untouched)).isEqualTo(otherId);
    }

    @Test
    void aComposeManagedContainerUpdatedByKeelsonIsUpToDateForCompose() throws Exception {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        ComposeProject project = ComposeProject.create(Map.of("web", repo + ":latest"));
        Files.writeString(project.dir().resolve("docker-compose.yml"), """
                version: "3.8"
                services:
                  web:
                    image: %s:latest
                    labels: ["keelson.enable=true", "keelson.scope=%s"]
                    environment: [FOO=bar]
                    stop_grace_period: 2s
                """.formatted(repo, fx.scope));
        String compose = project.dir().resolve("docker-compose.yml").toString();
        try {
            Shell.run("docker-compose", "-p", project.name(), "-f", compose, "up", "-d")
                    .require();
            String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
            as(CI).body("{}")
                    .post("/api/v1/targets/" + fx.target + "/deployments?wait=true")
                    .then()
                    .statusCode(200);
            String updated = project.containers("web").get(0);
            assertThat(project.runningDigest("web", repo)).contains(v2);

            String again = Shell.run("docker-compose", "-p", project.name(), "-f", compose, "up", "-d")
                    .require();

            assertThat(again).contains("is up-to-date");
            assertThat(project.containers("web")).containsExactly(updated);
        } finally {
            project.down();
        }
    }

    @Test
    void aQuietCheckThatKeepsNoticingTheSameThingSaysSoOnceAsAWarning() throws Exception {
        // A container started by digest is not watched: each polling check notes it and changes nothing.
        String digest = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        WatchFixture polling = new WatchFixture().create(", \"interval\": \"1s\"", "");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (text(r).contains(polling.target)) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(Level.ALL);
        Logger deployer = Logger.getLogger("io.keelson.deploy.Deployer");
        Level before = deployer.getLevel();
        deployer.setLevel(Level.ALL);
        deployer.addHandler(capture);
        try {
            polling.run(
                    polling.name("pinned"), List.of("--label", "keelson.enable=true"), repo + "@" + digest, STAY_UP);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> records.stream()
                                    .filter(r -> text(r).contains("checked, nothing to update"))
                                    .count()
                            >= 3);

            List<String> warnings = records.stream()
                    .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(WatchTriggersTest::text)
                    .toList();
            assertThat(warnings).as("one warning, not one per check").hasSize(1);
            assertThat(warnings.get(0)).contains("not a tag; not watched");
            assertThat(records.stream().map(WatchTriggersTest::text))
                    .anyMatch(t -> t.contains("not a tag; not watched (as at the last check)"));
            assertThat(as(CI).get("/api/v1/targets/" + polling.target + "/deployments")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("id"))
                    .as("a quiet check leaves no deployment")
                    .isEmpty();
        } finally {
            deployer.removeHandler(capture);
            deployer.setLevel(before);
            polling.cleanUp();
        }
    }

    private static String text(LogRecord r) {
        return r instanceof ExtLogRecord e ? e.getFormattedMessage() : String.valueOf(r.getMessage());
    }

    private JsonPath awaitDeployment() throws InterruptedException {
        return awaitDeployment(fx.target);
    }

    private static JsonPath awaitDeployment(String target) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            JsonPath history = as(CI).get("/api/v1/targets/" + target + "/deployments")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (!history.getList("id").isEmpty()
                    && List.of("SUCCEEDED", "FAILED", "ROLLED_BACK").contains(history.getString("[0].status"))) {
                // History items carry no log: the deployment itself does.
                return as(CI).get("/api/v1/deployments/" + history.getString("[0].id"))
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no deployment of " + target + " ended within 30 s");
    }
}
