package io.keelson.image;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.KeelsonProcess;
import io.keelson.support.PgReplicas;
import io.keelson.support.TestEnv;
import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL build of Keelson (-Dquarkus.datasource.db-kind=postgresql) against a real
 * PostgreSQL: Flyway creates its schema, the API works, and history survives a restart.
 */
class PostgresBuildIT {

    /** A schema of its own: ClusterIT's replicas may use the public schema at the same time. */
    private static final String SCHEMA = "build_it";

    private static final String URL = "jdbc:postgresql://127.0.0.1:5433/keelson?currentSchema=" + SCHEMA;
    private static final int PORT = 18098;
    private static final String TOKEN = "pg-it-admin-token-0123456789";
    private Process keelson;
    private Path catalog;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.require();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5433), 2000);
        } catch (Exception e) {
            throw new AssertionError("PostgreSQL does not answer on 127.0.0.1:5433 — run `sudo scripts/test-env.sh`");
        }
        try (Connection c = DriverManager.getConnection(URL, "keelson", "keelson");
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
        }
        PgReplicas.build();
        catalog = Files.createTempDirectory("pg-catalog");
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
    }

    @Test
    void flywayCreatesTheSchemaTheApiWorksAndHistorySurvivesARestart() throws Exception {
        start();
        String target = "it-pg-" + UUID.randomUUID().toString().substring(0, 6);
        api().body("""
                {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "none-%s"}}
                """.formatted(target, target)).post("/api/v1/targets").then().statusCode(201);
        String id = api().body(
                        "{\"reason\": \"on postgres\", \"pipeline\": {\"project\": \"lappis/tais\", \"id\": \"7\"}}")
                .post("/api/v1/targets/" + target + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("id");

        stop();
        start();

        api().get("/api/v1/targets/" + target + "/deployments")
                .then()
                .statusCode(200)
                .body("[0].id", org.hamcrest.Matchers.equalTo(id))
                .body("[0].pipeline.project", org.hamcrest.Matchers.equalTo("lappis/tais"))
                .body("[0].log", org.hamcrest.Matchers.nullValue());
        api().get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .body("log", org.hamcrest.Matchers.hasItem("deployment SUCCEEDED"));
        try (Connection c = DriverManager.getConnection(URL, "keelson", "keelson");
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT max(version) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getString(1)).as("every migration applied").isEqualTo(newestMigration());
        }
    }

    private RequestSpecification api() {
        return given().baseUri("http://127.0.0.1:" + PORT)
                .header("Authorization", "Bearer " + TOKEN)
                .contentType("application/json");
    }

    private void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(KeelsonProcess.java("target/pg-app/quarkus-run.jar"))
                .redirectErrorStream(true)
                .redirectOutput(new File("target/pg-app/keelson.log"));
        pb.environment()
                .putAll(Map.of(
                        "QUARKUS_HTTP_PORT",
                        String.valueOf(PORT),
                        "QUARKUS_DATASOURCE_JDBC_URL",
                        URL,
                        "QUARKUS_DATASOURCE_USERNAME",
                        "keelson",
                        "QUARKUS_DATASOURCE_PASSWORD",
                        "keelson",
                        "KEELSON_TARGETS_DIR",
                        catalog.toString(),
                        "KEELSON_AUTH_TOKENS_ADMIN_SECRET",
                        TOKEN,
                        "KEELSON_AUTH_TOKENS_ADMIN_ROLES",
                        "admin"));
        keelson = pb.start();
        for (int i = 0; i < 150; i++) {
            if (!keelson.isAlive()) {
                throw new AssertionError(
                        "Keelson (PostgreSQL build) exited: " + Files.readString(Path.of("target/pg-app/keelson.log")));
            }
            try {
                if (given().baseUri("http://127.0.0.1:" + PORT)
                                .get("/q/health/ready")
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (Exception notListeningYet) {
                // started, not yet listening
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Keelson (PostgreSQL build) not ready: "
                + String.join("\n", List.of(Files.readString(Path.of("target/pg-app/keelson.log")))));
    }

    private void stop() throws InterruptedException {
        if (keelson != null && keelson.isAlive()) {
            keelson.destroy();
            keelson.waitFor();
        }
    }

    /** The highest version among the PostgreSQL migrations in the source tree. */
    private static String newestMigration() throws java.io.IOException {
        try (var files =
                java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration/postgresql"))) {
            return String.valueOf(files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .max()
                    .orElseThrow());
        }
    }
}
