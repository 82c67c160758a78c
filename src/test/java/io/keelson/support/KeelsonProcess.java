package io.keelson.support;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keelson as its users run it: the packaged jar in a JVM of its own, with an H2 file database that
 * outlives the process, so a test can kill it (-9) and start it again on the same state.
 */
public final class KeelsonProcess implements AutoCloseable {

    public static final String TOKEN = "fault-suite-admin-token-0123456789";

    private final int port;
    private final Path home;
    private final Map<String, String> extraEnv;
    private Process process;
    private int starts;
    private boolean throughLauncher;

    public KeelsonProcess(int port, Map<String, String> extraEnv) throws IOException {
        this.port = port;
        this.extraEnv = extraEnv;
        this.home = Files.createTempDirectory("keelson-process");
        Files.createDirectories(home.resolve("deploy-targets"));
    }

    /**
     * Starts it from here on as operators do, through {@code bin/keelson}: its 128 MiB heap and
     * exit-on-out-of-memory, so a test sees what the shipped settings survive (no class-data cache).
     */
    public KeelsonProcess throughLauncher() {
        throughLauncher = true;
        return this;
    }

    /** The JVM's pid (the launcher execs it). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** The H2 file's JDBC URL, for a test that fills the database while Keelson is stopped. */
    public String jdbcUrl() {
        return "jdbc:h2:file:" + home.resolve("data/keelson");
    }

    /** SIGTERM, and waits for the process to end. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    public KeelsonProcess start() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new AssertionError(
                    "no " + jar + ": the fault suite runs after `./mvnw package` (scripts/test.sh runs verify)");
        }
        starts++;
        ProcessBuilder pb = new ProcessBuilder(
                        throughLauncher
                                ? List.of(
                                        Path.of("bin/keelson").toAbsolutePath().toString())
                                : java(jar.toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT",
                String.valueOf(port),
                "QUARKUS_DATASOURCE_JDBC_URL",
                jdbcUrl(),
                "KEELSON_TARGETS_DIR",
                home.resolve("deploy-targets").toString(),
                "KEELSON_AUTH_TOKENS_ADMIN_SECRET",
                TOKEN,
                "KEELSON_AUTH_TOKENS_ADMIN_ROLES",
                "admin"));
        if (throughLauncher) {
            env.put("KEELSON_CDS", "off");
        }
        env.putAll(extraEnv);
        pb.environment().putAll(env);
        process = pb.start();
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) {
                throw new AssertionError("Keelson exited: " + Files.readString(log()));
            }
            try {
                if (given().baseUri(baseUri()).get("/q/health/live").statusCode() == 200) {
                    return this;
                }
            } catch (Exception notListeningYet) {
                // started, not yet listening
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Keelson did not come up: " + Files.readString(log()));
    }

    /** {@code java} with {@link TestEnv#QUICK_JVM}, then {@code -jar jar}. */
    public static List<String> java(String jar) {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(TestEnv.QUICK_JVM);
        command.addAll(List.of("-jar", jar));
        return command;
    }

    /** SIGKILL: no shutdown hook, no cleanup, exactly a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** One deployment as this Keelson answers it (200 required). */
    public io.restassured.path.json.JsonPath deployment(String id) {
        return api().get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The log lines of one deployment, as its answer carries them. */
    public List<String> log(String id) {
        return deployment(id).getList("log", String.class);
    }

    public RequestSpecification api() {
        return given().baseUri(baseUri())
                .header("Authorization", "Bearer " + TOKEN)
                .contentType("application/json");
    }

    /** Creates an ssh-compose target for {@code project}'s service bot on the test sshd; returns its name. */
    public String createSshTarget(ComposeProject project, String stableFor) {
        String name = "it-kp-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        api().body(Api.botTargetJson(name, project, "30s", stableFor))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        return name;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    /** Everything the process printed, over all its starts. */
    public Path log() {
        return home.resolve("keelson.log");
    }

    public int starts() {
        return starts;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    /** For a report: where the process kept its state. */
    public File home() {
        return home.toFile();
    }
}
