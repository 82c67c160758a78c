package io.keelson.strategy.sshdocker;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.as;
import static io.keelson.support.Api.deploy;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed team's flow, against the real sshd, engine and registry: a container started by hand
 * with {@code docker run -d -p … -e … -v … --restart …}, then deployed by Keelson with a new digest.
 * It keeps every setting and its data, the old one stays until the new one is healthy, and a
 * crashing image leaves the old container running under its name.
 */
@QuarkusTest
class SshDockerDeploymentTest {

    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    /** Deleted after each test: Keelson probes every target's hosts (a password login) every 30 s. */
    private final List<String> targets = new ArrayList<>();

    private String repo;
    private String name;

    @BeforeEach
    void setUp() {
        TestEnv.require();
        repo = TestImages.uniqueRepo("seed");
        name = "seed-" + UUID.randomUUID().toString().substring(0, 8);
        containers.add(name);
    }

    @AfterEach
    void tearDown() {
        targets.forEach(Api::deleteTarget);
        for (String c : containers) {
            Shell.run("docker", "rm", "-f", c);
            for (String aside : Shell.run("docker", "ps", "-aq", "--filter", "name=" + c + "-keelson-old-")
                    .output()
                    .lines()
                    .toList()) {
                Shell.run("docker", "rm", "-f", aside);
            }
        }
        volumes.forEach(v -> Shell.run("docker", "volume", "rm", "-f", v));
    }

    @Test
    void aContainerStartedByHandIsReplacedWithItsOwnConfigurationAndItsData() {
        String first = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        String volume = name + "-data";
        volumes.add(volume);
        Shell.run(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        name,
                        "-p",
                        "127.0.0.1::8000",
                        "-e",
                        "FLASK_CONFIG=production",
                        "-v",
                        volume + ":/data",
                        "--restart",
                        "unless-stopped",
                        "--label",
                        "team=seed",
                        repo + ":latest")
                .require();
        Shell.run("docker", "exec", name, "sh", "-c", "echo kept > /data/proof").require();
        String before = inspect(
                "{{json .HostConfig.PortBindings}}|{{json .Config.Env}}|{{json .HostConfig.RestartPolicy}}|{{json .Mounts}}|{{json .Config.Labels}}");
        String oldId = inspect("{{.Id}}");
        String target = createTarget(rootWithKey(), "");
        String second = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy(target, 200);

        assertThat(d.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(d.getString("changes[0].unit")).isEqualTo(name);
        assertThat(d.getString("changes[0].host")).isEqualTo(TestEnv.SSH_HOST);
        assertThat(d.getString("changes[0].image")).isEqualTo(repo + ":latest");
        assertThat(d.getString("changes[0].fromDigest")).isEqualTo(first);
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(second);
        assertThat(inspect("{{.Id}}")).isNotEqualTo(oldId);
        assertThat(inspect("{{.Config.Image}}")).isEqualTo(repo + "@" + second);
        String after = inspect(
                "{{json .HostConfig.PortBindings}}|{{json .Config.Env}}|{{json .HostConfig.RestartPolicy}}|{{json .Mounts}}|{{json .Config.Labels}}");
        assertThat(after).isEqualTo(before);
        assertThat(Shell.run("docker", "exec", name, "cat", "/data/proof")
                        .require()
                        .strip())
                .isEqualTo("kept");
        assertThat(Shell.run("docker", "ps", "-aq", "--filter", "name=" + name + "-keelson-old-")
                        .output())
                .isBlank();
        List<String> log = d.getList("log", String.class);
        assertThat(indexOf(log, "pulling"))
                .as("pulled before the old container was stopped")
                .isLessThan(indexOf(log, "started, waiting for the health gate"));

        JsonPath again = deploy(target, 200);
        assertThat(again.getString("changes[0].status")).isEqualTo("UNCHANGED");

        JsonPath rollback = as(OPS).body("{}")
                .post("/api/v1/targets/" + target + "/rollback?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(rollback.getString("changes[0].toDigest")).isEqualTo(first);
        assertThat(inspect("{{.Config.Image}}")).isEqualTo(repo + "@" + first);
        assertThat(Shell.run("docker", "exec", name, "cat", "/data/proof")
                        .require()
                        .strip())
                .isEqualTo("kept");
    }

    @Test
    void aCrashingImageLeavesTheOldContainerRunningUnderItsName() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run("docker", "run", "-d", "--name", name, repo + ":latest").require();
        String oldId = inspect("{{.Id}}");
        String target = createTarget(rootWithKey(), "");
        TestImages.push(TestImages.Kind.CRASH, repo + ":latest");

        JsonPath d = deploy(target, 424);

        assertThat(d.getString("status")).isEqualTo("ROLLED_BACK");
        assertThat(d.getString("changes[0].status")).isEqualTo("ROLLED_BACK");
        assertThat(inspect("{{.Id}}")).isEqualTo(oldId);
        assertThat(inspect("{{.State.Running}}")).isEqualTo("true");
        assertThat(Shell.run("docker", "ps", "-aq", "--filter", "name=" + name + "-keelson-old-")
                        .output())
                .isBlank();
    }

    @Test
    void aContainerThatDoesNotExistIsCreatedFromTheCatalog() {
        String digest = TestImages.push(TestImages.Kind.HEALTHY, repo + ":latest");
        String volume = name + "-data";
        volumes.add(volume);
        String create = """
                , "create": {"ports": ["127.0.0.1::8000"], "env": {"MODE": "seeded-mode"}, "volumes": ["%s:/data"],
                             "restart": "on-failure:3", "labels": {"team": "seed"}}""".formatted(volume);
        String target = createTarget(rootWithKey(), create);

        JsonPath d = deploy(target, 200);

        assertThat(d.getString("changes[0].fromDigest")).isNull();
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(digest);
        assertThat(inspect("{{.Config.Image}}")).isEqualTo(repo + "@" + digest);
        assertThat(inspect("{{json .Config.Env}}")).contains("MODE=seeded-mode");
        assertThat(inspect("{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}"))
                .isEqualTo("on-failure:3");
        assertThat(inspect("{{range .Mounts}}{{.Name}}{{end}}")).isEqualTo(volume);
        assertThat(inspect("{{json .HostConfig.PortBindings}}")).contains("8000/tcp");
        assertThat(inspect("{{index .Config.Labels \"team\"}}")).isEqualTo("seed");
    }

    @Test
    void aNonRootUserWithAPasswordDeploysThroughSudo() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run("docker", "run", "-d", "--name", name, repo + ":latest").require();
        String ssh = """
                {"hosts": ["%s"], "port": %d, "user": "%s", "passwordFile": "%s", "knownHostsFile": "%s", "sudo": true}""".formatted(
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.DEPLOY_USER,
                        TestEnv.deployPasswordFile(),
                        TestEnv.knownHosts());
        String target = createTarget(ssh, "");
        String second = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        JsonPath d = deploy(target, 200);

        assertThat(d.getString("changes[0].toDigest")).isEqualTo(second);
        assertThat(String.join("\n", d.getList("log", String.class))).contains("docker runs through sudo -n");
        assertThat(inspect("{{.Config.Image}}")).isEqualTo(repo + "@" + second);
    }

    @Test
    void withoutSudoTheDeployUserIsToldWhyTheEngineDoesNotAnswer() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run("docker", "run", "-d", "--name", name, repo + ":latest").require();
        String oldId = inspect("{{.Id}}");
        String ssh = """
                {"hosts": ["%s"], "port": %d, "user": "%s", "passwordFile": "%s", "knownHostsFile": "%s"}""".formatted(
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.DEPLOY_USER,
                        TestEnv.deployPasswordFile(),
                        TestEnv.knownHosts());
        String target = createTarget(ssh, "");

        JsonPath d = deploy(target, 424);

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).contains("sudo: true");
        assertThat(inspect("{{.Id}}")).isEqualTo(oldId);
    }

    @Test
    void aWrongHostKeyIsRefusedBeforeThePasswordIsSent() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run("docker", "run", "-d", "--name", name, repo + ":latest").require();
        String oldId = inspect("{{.Id}}");
        String ssh = """
                {"hosts": ["%s"], "port": %d, "user": "%s", "passwordFile": "%s", "knownHostsFile": "%s", "sudo": true}""".formatted(
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.DEPLOY_USER,
                        TestEnv.deployPasswordFile(),
                        TestEnv.wrongKnownHosts());
        String target = createTarget(ssh, "");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        long passwordsBefore = passwordLogins();

        JsonPath d = deploy(target, 424);

        assertThat(d.getString("status")).isEqualTo("FAILED");
        assertThat(d.getString("error")).containsIgnoringCase("host key");
        assertThat(inspect("{{.Id}}")).isEqualTo(oldId);
        assertThat(passwordLogins()).as("sshd saw no password from Keelson").isEqualTo(passwordsBefore);
    }

    /** How many password logins of the deploy user sshd has logged (accepted or not). */
    private static long passwordLogins() {
        return Shell.run("cat", TestEnv.DIR.resolve("sshd.log").toString())
                .output()
                .lines()
                .filter(l -> l.contains("password for " + TestEnv.DEPLOY_USER))
                .count();
    }

    @Test
    void aKeyWithAPassphraseLogsIn() {
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run("docker", "run", "-d", "--name", name, repo + ":latest").require();
        String ssh = """
                {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "passphraseFile": "%s", "knownHostsFile": "%s"}""".formatted(
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.passphraseKey(),
                        TestEnv.passphraseFile(),
                        TestEnv.knownHosts());
        String target = createTarget(ssh, "");
        String second = TestImages.push(TestImages.Kind.APP, repo + ":latest");

        assertThat(deploy(target, 200).getString("changes[0].toDigest")).isEqualTo(second);
    }

    @Test
    void aContainerLeftSetAsideIsPutBackBeforeTheNextDeployment() {
        String first = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        Shell.run("docker", "run", "-d", "--name", name, repo + ":latest").require();
        String oldId = inspect("{{.Id}}");
        // What a replacement cut off between set-aside and create leaves: the old container stopped, renamed aside.
        Shell.run("docker", "stop", "-t", "1", name).require();
        Shell.run("docker", "rename", name, name + "-keelson-old-" + oldId.substring(0, 12))
                .require();
        String target = createTarget(rootWithKey(), "");

        JsonPath d = deploy(target, 200);

        assertThat(d.getString("changes[0].status")).isEqualTo("UNCHANGED");
        assertThat(d.getString("changes[0].toDigest")).isEqualTo(first);
        assertThat(inspect("{{.Id}}")).isEqualTo(oldId);
        assertThat(inspect("{{.State.Running}}")).isEqualTo("true");
        assertThat(Shell.run("docker", "ps", "-aq", "--filter", "name=" + name + "-keelson-old-")
                        .output())
                .isBlank();
    }

    private String rootWithKey() {
        return """
                {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"}""".formatted(TestEnv.SSH_HOST, TestEnv.SSH_PORT, TestEnv.clientKey(), TestEnv.knownHosts());
    }

    private String createTarget(String ssh, String create) {
        String target = Api.uniqueTarget();
        String body = """
                {"name": "%s", "strategy": "ssh-docker", "ssh": %s,
                 "containers": [{"name": "%s", "image": "%s:latest"%s}],
                 "rollout": %s}""".formatted(target, ssh, name, repo, create, Api.FAST_ROLLOUT);
        as(ADMIN).body(body).post("/api/v1/targets").then().statusCode(201);
        targets.add(target);
        return target;
    }

    private String inspect(String format) {
        return Shell.run("docker", "inspect", "--format", format, name)
                .require()
                .strip();
    }

    private static int indexOf(List<String> log, String fragment) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
