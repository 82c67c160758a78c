package io.keelson.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keelson replicas of the PostgreSQL build, each a JVM of its own, on the test environment's
 * PostgreSQL (a fresh schema per use). The build is made once per test JVM.
 */
public final class PgReplicas implements AutoCloseable {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5433/keelson";
    public static final String TOKEN = "pg-it-admin-token-0123456789";
    private static boolean built;

    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Path home;
    private final Map<String, String> extraEnv;
    private boolean withToken = true;

    public PgReplicas(Map<String, String> extraEnv) throws Exception {
        TestEnv.require();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5433), 2000);
        } catch (Exception e) {
            throw new AssertionError("PostgreSQL does not answer on 127.0.0.1:5433 — run `sudo scripts/test-env.sh`");
        }
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        build();
        this.extraEnv = extraEnv;
        this.home = Files.createTempDirectory("pg-replicas");
        Files.createDirectories(home.resolve("deploy-targets"));
    }

    /**
     * Builds the PostgreSQL application once per suite run: test JVMs side by side take a file lock,
     * and a build newer than this run's own package is used as it is.
     */
    public static synchronized void build() {
        if (built) {
            return;
        }
        Path app = Path.of("target/quarkus-app/quarkus-run.jar");
        Path pgApp = Path.of("target/pg-app/quarkus-run.jar");
        try (FileChannel lock = FileChannel.open(
                        Path.of("target/pg-app.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = lock.lock()) {
            boolean fresh = Files.exists(pgApp)
                    && Files.exists(app)
                    && Files.getLastModifiedTime(pgApp).compareTo(Files.getLastModifiedTime(app)) > 0;
            if (!fresh) {
                Shell.Result build = Shell.run(
                        "./mvnw",
                        "-B",
                        "-q",
                        "-DskipTests",
                        "-Dspotless.apply.skip",
                        "package",
                        "-Dquarkus.datasource.db-kind=postgresql",
                        "-Dquarkus.package.output-directory=pg-app");
                assertThat(build.exit()).as(build.output()).isZero();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        built = true;
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "keelson", "keelson");
    }

    /** Replicas started from here on have no token configured: the first start generates the admin token. */
    public PgReplicas withoutTokens() {
        withToken = false;
        return this;
    }

    /** Starts {@code n} more replicas at the same moment, then waits until each answers. */
    public void startTogether(int n) throws Exception {
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(launch());
        }
        for (int index : started) {
            awaitUp(index);
        }
    }

    /** Starts one more replica on the next port; returns its index. */
    public int start() throws Exception {
        int index = launch();
        awaitUp(index);
        return index;
    }

    private int launch() throws Exception {
        int index = processes.size();
        int port = 18110 + index;
        ProcessBuilder pb = new ProcessBuilder(KeelsonProcess.java("target/pg-app/quarkus-run.jar"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(index).toFile()));
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT",
                String.valueOf(port),
                "QUARKUS_DATASOURCE_JDBC_URL",
                URL,
                "QUARKUS_DATASOURCE_USERNAME",
                "keelson",
                "QUARKUS_DATASOURCE_PASSWORD",
                "keelson",
                "KEELSON_TARGETS_DIR",
                home.resolve("deploy-targets").toString()));
        if (withToken) {
            env.put("KEELSON_AUTH_TOKENS_ADMIN_SECRET", TOKEN);
            env.put("KEELSON_AUTH_TOKENS_ADMIN_ROLES", "admin");
        }
        env.putAll(extraEnv);
        pb.environment().putAll(env);
        processes.add(pb.start());
        ports.add(port);
        return index;
    }

    private void awaitUp(int index) throws Exception {
        Process p = processes.get(index);
        for (int i = 0; i < 300; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("replica " + index + " exited: " + Files.readString(log(index)));
            }
            try {
                if (given().baseUri(baseUri(index)).get("/q/health/live").statusCode() == 200) {
                    return;
                }
            } catch (Exception notListeningYet) {
                // started, not yet listening
            }
            Thread.sleep(100);
        }
        throw new AssertionError("replica " + index + " did not come up: " + Files.readString(log(index)));
    }

    public RequestSpecification api(int index) {
        return given().baseUri(baseUri(index))
                .header("Authorization", "Bearer " + TOKEN)
                .contentType("application/json");
    }

    public String baseUri(int index) {
        return "http://127.0.0.1:" + ports.get(index);
    }

    public boolean alive(int index) {
        return processes.get(index).isAlive();
    }

    public int size() {
        return processes.size();
    }

    /** SIGKILL: exactly a crash. */
    public void kill(int index) throws InterruptedException {
        processes.get(index).destroyForcibly();
        processes.get(index).waitFor();
    }

    /** Sends a signal to a replica's JVM: {@code STOP} pauses it as a frozen VM would, {@code CONT} resumes it. */
    public void signal(int index, String signal) {
        Shell.run("kill", "-" + signal, String.valueOf(processes.get(index).pid()))
                .require();
    }

    /** The replica whose log says it started this deployment, or -1. */
    public int runnerOf(String deploymentId) throws Exception {
        for (int i = 0; i < processes.size(); i++) {
            if (Files.readString(log(i)).contains("deployment " + deploymentId + " of ")) {
                return i;
            }
        }
        return -1;
    }

    public Path log(int index) {
        return home.resolve("replica-" + index + ".log");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            p.waitFor();
        }
    }
}
