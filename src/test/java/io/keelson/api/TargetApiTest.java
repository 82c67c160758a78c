package io.keelson.api;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.OPS;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.keelson.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalog through the API: file-defined targets are read-only, API-defined ones are managed. */
@QuarkusTest
class TargetApiTest {

    private static String spec(String name, String user) {
        return """
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["127.0.0.1"], "port": 2222, "user": "%s", "privateKeyFile": "/k", "knownHostsFile": "/kh"},
                 "compose": {"projectDir": "/srv/%s", "services": ["bot"]},
                 "registry": {"server": "registry.gitlab.com", "username": "ci", "passwordEnv": "SOME_TOKEN"},
                 "rollout": {"healthTimeout": "20s"}}
                """.formatted(name, user, name);
    }

    @Test
    void anApiTargetIsCreatedReadUpdatedAndDeleted() {
        String name = Api.uniqueTarget();
        as(ADMIN)
                .body(spec(name, "deploy"))
                .post("/api/v1/targets")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/targets/" + name))
                .body("source", equalTo("API"))
                .body("rollout.healthTimeout", equalTo("20s"));

        as(READER)
                .get("/api/v1/targets/" + name)
                .then()
                .statusCode(200)
                .body("ssh.user", equalTo("deploy"))
                .body("registry.passwordEnv", equalTo("SOME_TOKEN"))
                .body("paused", equalTo(false))
                .body("lastDeployment", nullValue());
        as(READER).get("/api/v1/targets").then().statusCode(200).body("name", hasItem(name));

        as(ADMIN)
                .body(spec(name, "other"))
                .put("/api/v1/targets/" + name)
                .then()
                .statusCode(200)
                .body("ssh.user", equalTo("other"));
        as(ADMIN).delete("/api/v1/targets/" + name).then().statusCode(204);
        as(READER).get("/api/v1/targets/" + name).then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void anInvalidTargetIs400AndNamesTheField() {
        as(ADMIN)
                .body(spec("Bad Name", "deploy"))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_target"))
                .body("message", containsString("name"));
        as(ADMIN)
                .body(spec(Api.uniqueTarget(), "deploy").replace("\"port\"", "\"prot\""))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("ssh.prot: unknown field"));
        as(ADMIN)
                .body(spec(Api.uniqueTarget(), "deploy").replace("20s", "often"))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("rollout.healthTimeout"));
    }

    @Test
    void aDuplicateNameIs409() {
        String name = Api.uniqueTarget();
        as(ADMIN).body(spec(name, "deploy")).post("/api/v1/targets").then().statusCode(201);
        as(ADMIN)
                .body(spec(name, "deploy"))
                .post("/api/v1/targets")
                .then()
                .statusCode(409)
                .body("error", equalTo("conflict"));
    }

    @Test
    void aTargetOnAnotherTargetsComposeProjectIs400NamingBoth() {
        String first = Api.uniqueTarget();
        as(ADMIN).body(spec(first, "deploy")).post("/api/v1/targets").then().statusCode(201);
        String second = Api.uniqueTarget();
        String sameProject = spec(second, "deploy").replace("/srv/" + second, "/srv/" + first + "/");

        as(ADMIN)
                .body(sameProject)
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_target"))
                .body(
                        "message",
                        containsString("compose.projectDir: target '" + second + "' overlaps target '" + first + "'"));
        // The same folder through another port is another host's.
        as(ADMIN)
                .body(sameProject.replace("2222", "2223"))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        as(ADMIN)
                .body(sameProject)
                .put("/api/v1/targets/" + second)
                .then()
                .statusCode(400)
                .body("message", containsString("overlaps target '" + first + "'"));
        as(ADMIN).delete("/api/v1/targets/" + second).then().statusCode(204);
        as(ADMIN).delete("/api/v1/targets/" + first).then().statusCode(204);
    }

    @Test
    void aWatchTargetWithoutScopeOverlapsTheOtherWatchTargetsOfItsEngine() {
        String scoped = Api.uniqueTarget();
        String watch = """
                {"name": "%s", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true%s}}""";
        as(ADMIN)
                .body(watch.formatted(scoped, ", \"scope\": \"overlap-" + scoped + "\""))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        String unscoped = Api.uniqueTarget();

        as(ADMIN)
                .body(watch.formatted(unscoped, ""))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("watch.scope: target '" + unscoped + "' overlaps target '"))
                .body("message", containsString("scope '' watches every container of the engine"));
        as(ADMIN)
                .body(watch.formatted(unscoped, ", \"scope\": \"overlap-" + scoped + "\""))
                .post("/api/v1/targets")
                .then()
                .statusCode(400)
                .body("message", containsString("overlaps target '" + scoped + "': both watch scope"));
        as(ADMIN).delete("/api/v1/targets/" + scoped).then().statusCode(204);
    }

    @Test
    void aPausedTargetDeletedAndCreatedAgainIsStillPaused() {
        String name = Api.uniqueTarget();
        as(ADMIN).body(spec(name, "deploy")).post("/api/v1/targets").then().statusCode(201);
        as(OPS).post("/api/v1/targets/" + name + "/pause").then().statusCode(200);
        as(ADMIN).delete("/api/v1/targets/" + name).then().statusCode(204);
        as(READER).get("/api/v1/targets/" + name).then().statusCode(404);
        as(READER).get("/api/v1/targets").then().body("name", not(hasItem(name)));

        as(ADMIN)
                .body(spec(name, "deploy"))
                .post("/api/v1/targets")
                .then()
                .statusCode(201)
                .body("paused", equalTo(true));
        as(OPS).post("/api/v1/targets/" + name + "/resume").then().statusCode(200);
        as(ADMIN).delete("/api/v1/targets/" + name).then().statusCode(204);
        as(ADMIN)
                .body(spec(name, "deploy"))
                .post("/api/v1/targets")
                .then()
                .statusCode(201)
                .body("paused", equalTo(false));
    }

    @Test
    void aFileDefinedTargetAnswers409ToChangesThroughTheApi() {
        as(ADMIN)
                .get("/api/v1/targets/it-file-target")
                .then()
                .statusCode(200)
                .body("source", equalTo("FILE"))
                .body("file", containsString("it-file-target.yaml"));
        as(ADMIN)
                .body(spec("it-file-target", "deploy"))
                .put("/api/v1/targets/it-file-target")
                .then()
                .statusCode(409)
                .body("error", equalTo("conflict"))
                .body("message", containsString("it-file-target.yaml"));
        as(ADMIN).delete("/api/v1/targets/it-file-target").then().statusCode(409);
    }

    @Test
    void reloadReportsWhatItLoaded() {
        as(ADMIN).post("/api/v1/targets/reload").then().statusCode(200).body("loaded", hasItem("it-file-target"));
    }

    @Test
    void aPausedTargetRefusesDeploymentsWith409UntilResumed() {
        String name = Api.uniqueTarget();
        as(ADMIN).body(spec(name, "deploy")).post("/api/v1/targets").then().statusCode(201);

        as(OPS).post("/api/v1/targets/" + name + "/pause")
                .then()
                .statusCode(200)
                .body("paused", equalTo(true));
        as(CI).body("{}")
                .post("/api/v1/targets/" + name + "/deployments")
                .then()
                .statusCode(409)
                .body("error", equalTo("conflict"))
                .body("message", containsString("paused"));
        as(OPS).post("/api/v1/targets/" + name + "/resume")
                .then()
                .statusCode(200)
                .body("paused", equalTo(false));
        as(CI).get("/api/v1/targets/" + name + "/deployments").then().statusCode(200);
        assertThat(as(CI).get("/api/v1/targets/" + name + "/deployments")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("id"))
                .isEmpty();
    }

    @Test
    void aTokenSeesOnlyTheTargetsItsGlobsAllow() {
        List<String> names = as(CI).get("/api/v1/targets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("name");
        assertThat(names).allMatch(n -> n.startsWith("it-"));
        as(ADMIN).get("/api/v1/targets").then().body("name", hasItem("example-homolog"));
        as(CI).get("/api/v1/targets").then().body("name", not(hasItem("example-homolog")));
    }
}
