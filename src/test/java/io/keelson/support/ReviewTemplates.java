package io.keelson.support;

import static io.keelson.support.Api.ADMIN;
import static io.keelson.support.Api.as;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Template targets of review environments over a compose project on the test sshd. */
public final class ReviewTemplates {

    private ReviewTemplates() {}

    /** A template name the ci token may use (it-*), short enough for name--slug. */
    public static String uniqueName() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A folder of its own for a test's environments. */
    public static Path uniqueRoot() {
        return TestEnv.DIR
                .resolve("projects")
                .resolve("review-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The first of four ports a test may give its templates: forks run other classes beside it. */
    public static int uniquePorts() {
        return 21000 + ThreadLocalRandom.current().nextInt(0, 2000) * 4;
    }

    /** The compose project name of an environment of {@link #create}'s template. */
    public static String projectOf(String template, String slug) {
        return "rv" + template.substring(template.indexOf('-') + 1) + "-" + slug;
    }

    /**
     * Creates the template {@code name} over {@code project} (its service bot), whose environments
     * live in {@code root}/{slug}, take bot's port from {@code range} and answer at
     * http://127.0.0.1:{port.bot}/.
     */
    public static String create(String name, ComposeProject project, Path root, String range, String ttl, int max) {
        as(ADMIN)
                .body(json(name, project, root, range, ttl, max))
                .post("/api/v1/targets")
                .then()
                .statusCode(201);
        return name;
    }

    /** The JSON {@link #create} sends, for a Keelson of a test's own. */
    public static String json(String name, ComposeProject project, Path root, String range, String ttl, int max) {
        return """
                {"name": "%s", "strategy": "ssh-compose",
                 "ssh": {"hosts": ["%s"], "port": %d, "user": "root", "privateKeyFile": "%s", "knownHostsFile": "%s"},
                 "compose": {"projectDir": "%s", "projectName": "%s", "services": ["bot"]},
                 "environments": {"projectDir": "%s/{slug}", "projectName": "%s",
                                  "ports": {"bot": "%s"}, "url": "http://127.0.0.1:{port.bot}/",
                                  "ttl": "%s", "max": %d},
                 "rollout": %s}
                """.formatted(
                        name,
                        TestEnv.SSH_HOST,
                        TestEnv.SSH_PORT,
                        TestEnv.clientKey(),
                        TestEnv.knownHosts(),
                        project.dir(),
                        project.name(),
                        root,
                        projectOf(name, "{slug}"),
                        range,
                        ttl,
                        max,
                        Api.FAST_ROLLOUT);
    }
}
