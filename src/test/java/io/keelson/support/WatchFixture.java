package io.keelson.support;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.as;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A watch target of its own for one test: a unique scope, so the target only ever sees the
 * containers this test started on the shared engine, and those containers.
 */
public final class WatchFixture {

    public final String scope = "kt" + UUID.randomUUID().toString().substring(0, 8);
    public final String target = Api.uniqueTarget();
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final String engine;

    /** On the first test engine (the local socket). */
    public WatchFixture() {
        this("unix:///var/run/docker.sock");
    }

    /** On the engine at {@code engine}, e.g. {@link TestEnv#HOST_B_DOCKER}. */
    public WatchFixture(String engine) {
        this.engine = engine;
    }

    /** {@code docker -H <this fixture's engine> args…}. */
    public Shell.Result docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", engine));
        argv.addAll(List.of(args));
        return Shell.run(argv.toArray(String[]::new));
    }

    /** Creates the target through the API; {@code extra} is more JSON members, e.g. {@code "registryAuth": {...}}. */
    public WatchFixture create(String watchExtra, String extra) {
        as(ADMIN).body(body(watchExtra, extra)).post("/api/v1/targets").then().statusCode(201);
        return this;
    }

    /** The target's JSON, as {@link #create} sends it (for a PUT that changes it). */
    public String body(String watchExtra, String extra) {
        return """
                {"name": "%s", "strategy": "watch", "docker": {"host": "%s"},
                 "watch": {%s"labelEnable": true, "scope": "%s", "stopTimeout": "5s"%s},
                 "rollout": {"healthTimeout": "8s", "stableFor": "1s", "onFailure": "rollback"}%s}
                """.formatted(
                        target,
                        engine,
                        watchExtra.contains("\"schedule\"") ? "" : "\"interval\": \"1h\", ",
                        scope,
                        watchExtra,
                        extra);
    }

    public WatchFixture create() {
        return create("", "");
    }

    /** {@code docker run -d} with this fixture's scope label and the given extra arguments before the image. */
    public String run(String name, List<String> args, String image, String... command) {
        List<String> argv = new ArrayList<>(
                List.of("docker", "-H", engine, "run", "-d", "--name", name, "--label", "keelson.scope=" + scope));
        argv.addAll(args);
        argv.add(image);
        argv.addAll(List.of(command));
        // The id is the last line; a pull on an engine without the image prints its progress first.
        String id = Shell.run(argv.toArray(String[]::new))
                .require()
                .strip()
                .lines()
                .reduce((a, b) -> b)
                .orElse("")
                .strip();
        containers.add(name);
        return id;
    }

    public String network() {
        String name = scope + "-net" + networks.size();
        docker("network", "create", name).require();
        networks.add(name);
        return name;
    }

    public String name(String suffix) {
        return scope + "-" + suffix;
    }

    public String id(String container) {
        return inspect(container, "{{.Id}}");
    }

    public String inspect(String container, String format) {
        return docker("inspect", "--format", format, container).require().strip();
    }

    /** The registry digest of the image a container runs. */
    public String digest(String container, String repository) {
        String image = inspect(container, "{{.Image}}");
        String digests = docker("image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", image)
                .require();
        return digests.lines()
                .filter(l -> l.startsWith(repository + "@"))
                .map(l -> l.substring(l.indexOf('@') + 1))
                .findFirst()
                .orElse(null);
    }

    /** Deletes the target (so its schedule stops) and removes every container and network of the scope. */
    public void cleanUp() {
        as(ADMIN).delete("/api/v1/targets/" + target);
        String ids =
                docker("ps", "-aq", "--filter", "label=keelson.scope=" + scope).output();
        ids.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(id -> docker("rm", "-f", "-v", id));
        containers.forEach(c -> docker("rm", "-f", "-v", c));
        networks.forEach(n -> docker("network", "rm", n));
    }
}
