package io.keelson.strategy.watch;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.EdgeRoutes;
import io.keelson.support.Load;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.keelson.support.WatchFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch strategy against the real engine and registry: what Watchtower does, recorded and health-gated. */
@QuarkusTest
class WatchStrategyTest {

    private static final String[] STAY_UP = TestImages.stayUp();

    private WatchFixture fx;
    private String repo;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        fx = new WatchFixture();
        repo = TestImages.uniqueRepo("watch");
    }

    @AfterEach
    void tearDown() {
        fx.cleanUp();
    }

    @Test
    void aLabelledContainerIsRecreatedWithTheSameConfigurationAfterAPush() {
        fx.create();
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String net = fx.network();
        String second = fx.network();
        String name = fx.name("app");
        String volume = fx.name("vol");
        String oldId = fx.run(
                name,
                List.of(
                        "--label",
                        "keelson.enable=true",
                        "--label",
                        "custom=kept",
                        "-e",
                        "FOO=bar",
                        "-p",
                        "127.0.0.1::8080",
                        "-v",
                        volume + ":/data",
                        "-v",
                        "/anon",
                        "--network",
                        net,
                        "--network-alias",
                        "svc-alias",
                        "--restart",
                        "unless-stopped",
                        "--user",
                        "0:0",
                        "-w",
                        "/tmp",
                        "--memory",
                        "64m",
                        "--stop-timeout",
                        "7",
                        "--health-cmd",
                        "true",
                        "--health-interval",
                        "1s",
                        "--hostname",
                        "keep-host",
                        "--entrypoint",
                        "sh"),
                repo + ":latest",
                "-c",
                TestImages.STAY_UP_SCRIPT);
        Shell.run("docker", "network", "connect", "--alias", "second-alias", second, name)
                .require();
        Shell.run("docker", "exec", name, "sh", "-c", "echo keep > /anon/file && echo keep > /data/file")
                .require();
        String anonVolume =
                fx.inspect(name, "{{range .Mounts}}{{if eq .Destination \"/anon\"}}{{.Name}}{{end}}{{end}}");
        List<String> before = configOf(name);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy(200);

        assertThat(d.getString("trigger")).isEqualTo("API");
        assertThat(d.getList("changes.unit")).containsExactly(name);
        assertThat(d.getString("changes[0].fromDigest")).isEqualTo(v1);
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v2);
        assertThat(d.getString("changes[0].host")).isEqualTo("unix:///var/run/docker.sock");
        assertThat(fx.id(name)).isNotEqualTo(oldId);
        assertThat(fx.digest(name, repo)).isEqualTo(v2);
        assertThat(configOf(name)).isEqualTo(before);
        assertThat(fx.inspect(name, "{{range .Mounts}}{{if eq .Destination \"/anon\"}}{{.Name}}{{end}}{{end}}"))
                .isEqualTo(anonVolume);
        assertThat(Shell.run("docker", "exec", name, "cat", "/anon/file", "/data/file")
                        .require())
                .isEqualTo("keep\nkeep\n");
        assertThat(Shell.run("docker", "ps", "-a", "--filter", "name=" + name + "-keelson-old", "-q")
                        .output())
                .isBlank();
    }

    @Test
    void unlabelledAndOptedOutContainersOfTheSameImageAreLeftAlone() {
        fx.create();
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String plain = fx.name("plain");
        String optedOut = fx.name("out");
        String watchtowerOut = fx.name("wtout");
        String plainId = fx.run(plain, List.of(), repo + ":latest", STAY_UP);
        String outId = fx.run(optedOut, List.of("--label", "keelson.enable=false"), repo + ":latest", STAY_UP);
        String wtId = fx.run(
                watchtowerOut,
                List.of("--label", "keelson.enable=true", "--label", "com.centurylinklabs.watchtower.enable=false"),
                repo + ":latest",
                STAY_UP);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy(200);

        assertThat(d.getList("changes")).isEmpty();
        assertThat(fx.id(plain)).isEqualTo(plainId);
        assertThat(fx.id(optedOut)).isEqualTo(outId);
        assertThat(fx.id(watchtowerOut)).isEqualTo(wtId);
    }

    @Test
    void twoContainersOfOneImageCostOneRegistryRequestAndAreBothUpdated() throws Exception {
        fx.create();
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        fx.run(
                fx.name("one"),
                List.of("--label", "com.centurylinklabs.watchtower.enable=true"),
                repo + ":latest",
                STAY_UP);
        fx.run(fx.name("two"), List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        long before = manifestRequests();

        JsonPath d = deploy(200);

        assertThat(manifestRequests() - before).isEqualTo(1);
        assertThat(d.getList("changes.status", String.class)).containsExactly("SUCCEEDED", "SUCCEEDED");
        assertThat(fx.digest(fx.name("one"), repo)).isEqualTo(v2);
        assertThat(fx.digest(fx.name("two"), repo)).isEqualTo(v2);
    }

    @Test
    void aNewImageThatExitsAtOnceLeavesTheOldContainerRunningAndTheDeploymentRolledBack() {
        fx.create();
        String good = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        // No command of ours: the image's own CMD runs, so the crash image's CMD will run after the update.
        String oldId = fx.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest");
        String bad = TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        JsonPath d = deploy(424);

        assertThat(d.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(d.getString("changes[0].status")).isEqualTo("ROLLED_BACK");
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(bad);
        assertThat(fx.id(name)).isEqualTo(oldId);
        assertThat(fx.inspect(name, "{{.Name}} {{.State.Running}}")).isEqualTo("/" + name + " true");
        assertThat(fx.digest(name, repo)).isEqualTo(good);
        assertThat(deploy(200).getList("changes"))
                .as("the failed digest is not tried again")
                .isEmpty();
    }

    @Test
    void monitorOnlyRecordsWhatWouldChangeAndChangesNothing() {
        fx.create(", \"monitorOnly\": true", "");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        String id = fx.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy(200);

        assertThat(d.getString("changes[0].status")).isEqualTo("UNCHANGED");
        assertThat(d.getString("changes[0].fromDigest")).isEqualTo(v1);
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(v2);
        assertThat(fx.id(name)).isEqualTo(id);
        assertThat(fx.digest(name, repo)).isEqualTo(v1);
    }

    @Test
    void rollbackRestoresTheEarlierDigestUnderTheSameTagAndPausesTheTarget() {
        fx.create();
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String name = fx.name("app");
        fx.run(name, List.of("--label", "keelson.enable=true"), repo + ":latest", STAY_UP);
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        deploy(200);

        JsonPath undo = as(OPS).body("{\"reason\": \"bad release\"}")
                .post("/api/v1/targets/" + fx.target + "/rollback?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(undo.getString("trigger")).isEqualTo("ROLLBACK");
        assertThat(undo.getString("changes[0].toDigest")).isEqualTo(v1);
        assertThat(fx.digest(name, repo)).isEqualTo(v1);
        assertThat(fx.inspect(name, "{{.Config.Image}}")).isEqualTo(repo + ":latest");
        as(ADMIN)
                .get("/api/v1/targets/" + fx.target)
                .then()
                .statusCode(200)
                .body("paused", org.hamcrest.Matchers.equalTo(true));
        as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments")
                .then()
                .statusCode(409);
    }

    @Test
    void aTokenProtectedRegistryWorksWithTheTargetsCredentials() throws Exception {
        try (PrivateRegistry registry = PrivateRegistry.start(5002, "keelson", "s3cret-pass")) {
            Watched app = watchedBehind(registry, "127.0.0.1:5002/it/private-", "s3cret-pass", "");

            JsonPath d = deploy(200);

            assertThat(d.getString("changes[0].fromDigest")).isEqualTo(app.v1());
            assertThat(d.getString("changes[0].toDigest")).isEqualTo(app.v2());
            assertThat(fx.digest(app.name(), app.repo())).isEqualTo(app.v2());
            assertThat(d.prettify()).doesNotContain("s3cret-pass");
        }
    }

    @Test
    void aBearerTokenRegistryWorksThroughItsTokenService() throws Exception {
        try (TokenServer tokens = TokenServer.start("keelson", "token-pass");
                PrivateRegistry registry = PrivateRegistry.start(5004, "keelson", "token-pass", tokens.realm())) {
            Watched app = watchedBehind(
                    registry,
                    "127.0.0.1:5004/it/bearer-",
                    "token-pass",
                    ", \"realmHosts\": [\""
                            + java.net.URI.create(tokens.realm()).getAuthority() + "\"]");

            JsonPath d = deploy(200);

            assertThat(d.getString("changes[0].toDigest")).isEqualTo(app.v2());
            assertThat(fx.digest(app.name(), app.repo())).isEqualTo(app.v2());
        }
    }

    /** A labelled container running v1 of an image in a private registry, v2 pushed since, and no local copy of v2. */
    private record Watched(String name, String repo, String v1, String v2) {}

    /** The target reads the registry's password from a file; the test's own docker login ends before Keelson runs. */
    private Watched watchedBehind(PrivateRegistry registry, String repoPrefix, String password, String authExtra)
            throws Exception {
        var passwordFile = Files.createTempFile("registry-pass", ".txt");
        io.keelson.support.TestSecrets.remember(password);
        Files.writeString(passwordFile, password);
        String server = repoPrefix.substring(0, repoPrefix.indexOf('/'));
        fx.create(
                "",
                ", \"registryAuth\": {\"server\": \"" + server + "\", \"username\": \"keelson\", \"passwordFile\": \""
                        + passwordFile + "\"" + authExtra + "}");
        String privateRepo = repoPrefix + fx.scope;
        registry.login();
        String v1 = TestImages.push(TestImages.Kind.APP, privateRepo + ":latest");
        String name = fx.name("app");
        fx.run(name, List.of("--label", "keelson.enable=true"), privateRepo + ":latest", STAY_UP);
        String v2 = TestImages.push(TestImages.Kind.APP, privateRepo + ":latest");
        registry.logout();
        Shell.run("docker", "rmi", privateRepo + ":latest");
        return new Watched(name, privateRepo, v1, v2);
    }

    @Test
    void aRegistryThatIsDownChangesNothingAndTheNextCheckAfterItReturnsUpdates() throws Exception {
        fx.create();
        String flakyRepo = "127.0.0.1:5003/it/flaky-" + fx.scope;
        String name = fx.name("app");
        String v1;
        try (PrivateRegistry registry = PrivateRegistry.start(5003, null, null)) {
            v1 = TestImages.push(TestImages.Kind.APP, flakyRepo + ":latest");
            fx.run(name, List.of("--label", "keelson.enable=true"), flakyRepo + ":latest", STAY_UP);
            TestImages.push(TestImages.Kind.APP, flakyRepo + ":latest");
        }
        String id = fx.id(name);

        JsonPath down = deploy(200);
        assertThat(down.getList("changes")).isEmpty();
        assertThat(down.getList("log", String.class))
                .anyMatch(l -> l.contains("registry check of " + flakyRepo + ":latest failed"));
        assertThat(fx.id(name)).isEqualTo(id);

        try (PrivateRegistry registry = PrivateRegistry.reopen(5003)) {
            JsonPath back = deploy(200);
            assertThat(back.getString("changes[0].status")).isEqualTo("SUCCEEDED");
            assertThat(fx.digest(name, flakyRepo)).isNotEqualTo(v1);
        }
    }

    @Test
    void aContainerLabelledForHandoverIsAdoptedThenUpdatedWithoutAFailedRequest() throws Exception {
        fx.create();
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String name = fx.name("web");
        fx.run(
                name,
                List.of(
                        "--label",
                        "keelson.enable=true",
                        "--label",
                        "keelson.handover=overlap",
                        "--label",
                        "keelson.handover.ports=127.0.0.1:" + port + ":8000",
                        "-p",
                        "127.0.0.1:" + port + ":8000",
                        "--health-cmd",
                        "wget -q -O /dev/null http://127.0.0.1:8000/",
                        "--health-interval",
                        "1s"),
                repo + ":latest",
                "sh",
                "-c",
                "trap 'exit 0' TERM; mkdir -p /www; cp /nonce /www/index.html; httpd -p 8000 -h /www;"
                        + " while true; do sleep 0.2; done");
        String url = "http://127.0.0.1:" + port + "/";
        try {
            TestImages.push(TestImages.Kind.APP, repo + ":latest");
            JsonPath adopted = deploy(200);
            assertThat(String.join("\n", adopted.getList("log", String.class))).contains("adopt");
            assertThat(fx.inspect(name, "{{json .HostConfig.PortBindings}}")).doesNotContain(String.valueOf(port));

            Load.Running load = Load.start(url);
            String v3 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
            JsonPath d = deploy(200);
            Load.Seen seen = load.stop();

            assertThat(String.join("\n", d.getList("log", String.class))).contains("switched to the new copy");
            assertThat(seen.failed()).as(seen.report()).isZero();
            assertThat(fx.digest(name, repo)).isEqualTo(v3);
            assertThat(Shell.run("curl", "-fsS", url).output().strip())
                    .isEqualTo(
                            fx.docker("exec", name, "cat", "/nonce").require().strip());
            // The edge's counters of a watched container reach the target page and /q/metrics: the
            // route is found by the owner its file names (no handover block lists it), read right
            // after the deployment. How many connections depends on other tests' reloads of the shared
            // edge (HAProxy counts per worker), so only the route is checked here.
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> !as(CI).get("/api/v1/targets/" + fx.target)
                            .jsonPath()
                            .getList("edge")
                            .isEmpty());
            JsonPath page = as(CI).get("/api/v1/targets/" + fx.target).jsonPath();
            assertThat(page.getString("edge[0].unit")).isEqualTo(name);
            assertThat(page.getInt("edge[0].port")).isEqualTo(port);
            assertThat(page.getLong("edge[0].failed")).isZero();
            assertThat(io.restassured.RestAssured.get("/q/metrics").asString()).contains("unit=\"" + name + "\"");
        } finally {
            EdgeRoutes.forget(name, port);
        }
    }

    private JsonPath deploy(int status) {
        return as(CI).body("{}")
                .post("/api/v1/targets/" + fx.target + "/deployments?wait=true")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    /** Contract §3, item by item, as docker inspect prints it (ids and addresses left out). */
    private List<String> configOf(String name) {
        return List.of(
                fx.inspect(name, "{{.Name}}"),
                fx.inspect(name, "{{.Config.Image}}"),
                fx.inspect(name, "{{json .Config.Cmd}} {{json .Config.Entrypoint}}"),
                fx.inspect(name, "{{json .Config.Env}}"),
                fx.inspect(name, "{{json .Config.Labels}}"),
                fx.inspect(name, "{{json .Config.ExposedPorts}} {{json .HostConfig.PortBindings}}"),
                sorted(
                        fx.inspect(
                                name,
                                "{{range .Mounts}}{{.Type}}:{{if eq .Type \"volume\"}}{{if ne (len .Name) 64}}{{.Name}}{{end}}{{else}}{{.Source}}{{end}}:{{.Destination}}:{{.RW}} {{end}}")),
                fx.inspect(
                        name,
                        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{range $v.Aliases}}{{if ne (len .) 12}}{{.}},{{end}}{{end}} {{end}}"),
                fx.inspect(name, "{{json .HostConfig.RestartPolicy}}"),
                fx.inspect(name, "{{json .Config.Healthcheck}}"),
                fx.inspect(
                        name, "{{.Config.User}} {{.Config.WorkingDir}} {{.Config.Hostname}} {{.Config.StopTimeout}}"),
                fx.inspect(name, "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}"));
    }

    /** The engine lists mounts in no fixed order. */
    private static String sorted(String words) {
        return String.join(
                " ", java.util.Arrays.stream(words.split(" ")).sorted().toList());
    }

    private static long manifestRequests() throws Exception {
        return Files.readAllLines(TestEnv.DIR.resolve("registry.log")).stream()
                .filter(l ->
                        l.contains("HEAD /v2/it/watch-") && l.contains("/manifests/") && l.contains("Java-http-client"))
                .count();
    }
}
