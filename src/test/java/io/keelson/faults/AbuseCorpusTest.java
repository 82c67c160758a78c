package io.keelson.faults;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.CI;
import static io.keelson.support.Api.READER;
import static io.keelson.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the OpenAPI document, tried as a careless or hostile caller would: no token, a
 * token without the role or the target, malformed and oversized bodies, hostile names. Each answer
 * is a 4xx with the contract's error JSON, never a 5xx; nothing is queued or run; no answer holds a
 * secret. The endpoint list comes from the document, so a new endpoint is tried without editing this.
 */
@QuarkusTest
class AbuseCorpusTest {

    /** Every secret the test configuration holds (application.properties, %test). */
    static final List<String> SECRETS = List.of(Api.ADMIN, Api.CI, Api.READER, Api.OPS);

    private static final String PWNED = "/tmp/keelson-abuse-pwned";
    private static final String OUT_OF_SCOPE = "example-homolog"; // a target outside the ci token's it-*
    private static final List<String> HOSTILE_NAMES = List.of(
            "..%2F..%2Fetc%2Fpasswd",
            "a%3Btouch%20" + PWNED.replace("/", "%2F"),
            "%24(touch%20x)",
            "%C3%A9t%C3%A9",
            "a%0Ab",
            "a%00b",
            "%E2%80%AE" + "x");

    private final List<Response> answers = new ArrayList<>();
    private List<Operation> operations;

    /** One method on one path of the document. */
    private record Operation(String method, String path, boolean hasBody) {
        boolean isRead() {
            return method.equals("get");
        }

        String with(String name, String id) {
            return path.replace("{name}", name).replace("{id}", id).replace("{slug}", "abuse-slug");
        }
    }

    @BeforeEach
    void readTheDocument() throws Exception {
        JsonNode doc = new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (List.of("get", "post", "put", "delete").contains(method.getKey())) {
                    operations.add(new Operation(
                            method.getKey(), path.getKey(), method.getValue().has("requestBody")));
                }
            }
        }
        assertThat(operations).as("endpoints in the OpenAPI document").hasSizeGreaterThanOrEqualTo(15);
        assertThat(operations.stream().filter(Operation::hasBody))
                .as("endpoints that take a body")
                .hasSizeGreaterThanOrEqualTo(5);
        Files.deleteIfExists(Path.of(PWNED));
    }

    @Test
    void everyEndpointRefusesACallerWithoutAValidToken() {
        for (Operation op : operations) {
            expectError(
                    op,
                    given().contentType("application/json"),
                    op.with("it-file-target", "01JD000000000000000000000A"),
                    401);
            expectError(
                    op,
                    given().header("Authorization", "Bearer not-a-token").contentType("application/json"),
                    op.with("it-file-target", "01JD000000000000000000000A"),
                    401);
        }
    }

    @Test
    void everyEndpointAboveReadRefusesAReadToken() {
        for (Operation op : operations) {
            if (!op.isRead()) {
                expectError(op, as(READER), op.with("it-file-target", "01JD000000000000000000000A"), 403);
            }
        }
    }

    @Test
    void aScopedTokenReachesNoOtherTargetNorItsDeployments() {
        String other = otherTargetsDeployment();
        for (Operation op : operations) {
            if (op.path.contains("{name}") || op.path.contains("{id}")) {
                expectError(op, as(CI), op.with(OUT_OF_SCOPE, other), 403);
            }
        }
        Response stream = as(CI).accept("text/event-stream").get("/api/v1/deployments/" + other + "/log");
        assertThat(stream.statusCode()).isEqualTo(403);
        assertThat(as(CI).post("/v1/update")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("checking", String.class))
                .noneMatch(t -> !t.startsWith("it-"));
        assertThat(as(CI).contentType("application/json")
                        .body(
                                "{\"events\": [{\"action\": \"push\", \"target\": {\"repository\": \"x\", \"tag\": \"1\"},"
                                        + " \"request\": {\"host\": \"127.0.0.1:5000\"}}]}")
                        .post("/api/v1/hooks/registry")
                        .then()
                        .statusCode(202)
                        .extract()
                        .jsonPath()
                        .getList("checking", String.class))
                .noneMatch(t -> !t.startsWith("it-"));
    }

    @Test
    void malformedUnknownAndOversizedBodiesAreRefusedWithTheErrorJson() {
        String services =
                IntStream.range(0, 100_000).mapToObj(i -> "\"s" + i + "\"").collect(Collectors.joining(","));
        List<String> bodies = List.of(
                "{",
                "{\"services\": [\"bot\"",
                "[]",
                "\"x\"",
                "{\"nonsense\": 1}",
                "{\"services\": \"bot\"}",
                "{\"services\": [" + services + "]}",
                "{\"reason\": \"" + "x".repeat(1_100_000) + "\"}",
                "{\"services\": [\"bot;touch " + PWNED + "\"]}",
                "{\"image\": \"x;touch " + PWNED + "\"}",
                "{\"image\": \"$(touch " + PWNED + ")\"}",
                "{\"services\": [\"b\u0000t\"]}",
                "{\"reason\": \"\u202e\u0007\"}");
        for (Operation op : operations) {
            if (!op.hasBody) {
                continue;
            }
            for (String body : bodies) {
                Response r = send(op, as(ADMIN).body(body), op.with("it-file-target", "01JD000000000000000000000A"));
                assertErrorJson(op, r, body.length() > 200 ? body.substring(0, 200) + "…" : body);
            }
        }
        Response huge = as(ADMIN)
                .body("{\"reason\": \"" + "x".repeat(20 * 1024 * 1024) + "\"}")
                .post("/api/v1/targets/it-file-target/deployments");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.jsonPath().getString("error")).isNotBlank();
    }

    @Test
    void hostileNamesInThePathAreRefusedAndNothingRuns() {
        for (Operation op : operations) {
            if (!op.path.contains("{name}") && !op.path.contains("{id}")) {
                continue;
            }
            for (String name : HOSTILE_NAMES) {
                Response r = send(op, as(ADMIN).urlEncodingEnabled(false).body("{}"), op.with(name, name));
                assertErrorJson(op, r, name);
            }
        }
        assertThat(Path.of(PWNED)).doesNotExist();
    }

    @Test
    void noAnswerHoldsASecret() {
        everyEndpointRefusesACallerWithoutAValidToken();
        aScopedTokenReachesNoOtherTargetNorItsDeployments();
        for (Response r : answers) {
            String body = r.asString();
            SECRETS.forEach(secret -> assertThat(body).doesNotContain(secret));
        }
    }

    /** A deployment of a target outside the ci token's scope (a watch target with nothing to watch: it ends at once). */
    private String otherTargetsDeployment() {
        String name = "zz-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        as(ADMIN)
                .body("{\"name\": \"" + name
                        + "\", \"strategy\": \"watch\", \"watch\": {\"interval\": \"1h\", \"scope\": \"none-" + name
                        + "\"}}")
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        String id = as(ADMIN)
                .body("{}")
                .post("/api/v1/targets/" + name + "/deployments?wait=true")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        // The path holds the deployment id where the document says {id}, and the out-of-scope target where it says
        // {name}.
        return id;
    }

    private void expectError(Operation op, RequestSpecification request, String path, int status) {
        Response r = send(op, request.body("{}"), path);
        assertThat(r.statusCode()).as(op.method + " " + path).isEqualTo(status);
        assertErrorJson(op, r, path);
    }

    private Response send(Operation op, RequestSpecification request, String path) {
        Response r = switch (op.method) {
            case "get" -> request.get(path);
            case "post" -> request.post(path);
            case "put" -> request.put(path);
            default -> request.delete(path);
        };
        answers.add(r);
        return r;
    }

    private static void assertErrorJson(Operation op, Response r, String what) {
        String where =
                op.method + " " + op.path + " with " + what + " answered " + r.statusCode() + ": " + r.asString();
        assertThat(r.statusCode()).as(where).isBetween(400, 499);
        assertThat(r.contentType()).as(where).startsWith("application/json");
        assertThat(r.jsonPath().getString("error")).as(where).isNotBlank();
        assertThat(r.jsonPath().getString("message")).as(where).isNotBlank();
    }
}
