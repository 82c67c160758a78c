package io.keelson.strategy.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Keeps compose's own bookkeeping true after Keelson replaces a compose-managed container.
 * docker-compose v1 labels each container with a hash of its service's configuration that includes
 * the image id; a container recreated on a new image under the old label looks changed to the next
 * {@code docker-compose up}, which recreates it again (the Watchtower bug). So the new container gets
 * the hash compose itself computes now that the tag names the new image
 * ({@code docker-compose config --hash=SERVICE}).
 */
final class ComposeHash {

    static final String PROJECT = "com.docker.compose.project";
    static final String SERVICE = "com.docker.compose.service";
    static final String CONFIG_HASH = "com.docker.compose.config-hash";
    static final String WORKING_DIR = "com.docker.compose.project.working_dir";
    static final String CONFIG_FILES = "com.docker.compose.project.config_files";
    static final String VERSION = "com.docker.compose.version";

    private ComposeHash() {}

    /** The hash compose computes for the container's service now, or why it cannot be had. */
    static Result of(Map<String, String> labels, String dockerHost) {
        String project = labels.get(PROJECT);
        String service = labels.get(SERVICE);
        if (project == null || service == null || !labels.containsKey(CONFIG_HASH)) {
            return new Result(Optional.empty(), null);
        }
        if (!labels.getOrDefault(VERSION, "1.").startsWith("1.")) {
            return new Result(Optional.empty(), null);
        }
        String dir = labels.get(WORKING_DIR);
        String files = labels.get(CONFIG_FILES);
        if (dir == null || files == null || !Files.isDirectory(Path.of(dir))) {
            return new Result(Optional.empty(), "its compose project folder " + dir + " is not visible to Keelson");
        }
        List<String> argv = new ArrayList<>(List.of("docker-compose", "-p", project));
        for (String file : files.split(",")) {
            argv.addAll(List.of("-f", file));
        }
        argv.addAll(List.of("config", "--hash=" + service));
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(argv).directory(Path.of(dir).toFile()).redirectErrorStream(true);
            pb.environment().put("DOCKER_HOST", dockerHost);
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return new Result(Optional.empty(), "docker-compose config --hash failed: " + out.strip());
            }
            return out.lines()
                    .map(String::strip)
                    .filter(l -> l.startsWith(service + " "))
                    .map(l -> l.substring(service.length() + 1).strip())
                    .filter(h -> h.matches("[0-9a-f]{64}"))
                    .findFirst()
                    .map(h -> new Result(Optional.of(h), null))
                    .orElse(new Result(Optional.empty(), "docker-compose printed no hash for " + service));
        } catch (IOException e) {
            return new Result(Optional.empty(), "docker-compose cannot be run here (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Optional.empty(), "interrupted");
        }
    }

    /** The new hash, or the reason there is none (null when the container is not compose v1's). */
    record Result(Optional<String> hash, String problem) {}
}
