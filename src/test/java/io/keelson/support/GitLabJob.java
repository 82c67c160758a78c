package io.keelson.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A job of ci/keelson-deploy.gitlab-ci.yml run the way GitLab's runner runs its script, against a running Keelson. */
public final class GitLabJob {

    /** What the job printed, each line with when it arrived, and how it exited. */
    public record Job(int exit, List<String> lines, List<Instant> arrived) {}

    private GitLabJob() {}

    /** Runs the script of the template's job {@code name} in {@code dir}; {@code variables} override the defaults (the ci token). */
    public static Job run(URL keelson, String name, Path dir, Map<String, String> variables) throws Exception {
        JsonNode template = new YAMLMapper()
                .readTree(Path.of("ci/keelson-deploy.gitlab-ci.yml").toFile());
        String script = template.path(name).path("script").get(0).asText();
        ProcessBuilder pb =
                new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("KEELSON_URL", keelson.toString().replaceAll("/$", ""));
        env.put("KEELSON_TOKEN", Api.CI);
        env.put("KEELSON_TIMEOUT", "120");
        env.put("CI_JOB_ID", UUID.randomUUID().toString());
        env.put("CI_PIPELINE_ID", "4711");
        env.put("CI_PROJECT_PATH", "lappis/tais");
        env.put("CI_COMMIT_SHA", "3f2a9c1");
        env.put("CI_COMMIT_REF_NAME", "master");
        env.put("CI_PIPELINE_URL", "https://gitlab.example.com/lappis/tais/-/pipelines/4711");
        env.putAll(variables);
        Process p = pb.start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        List<Instant> arrived = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                arrived.add(Instant.now());
            }
        }
        return new Job(p.waitFor(), lines, arrived);
    }
}
