package io.keelson.strategy.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** {@code config --hash} prints one short line per service; more is not compose. */
    private static final int MAX_OUTPUT = 64 * 1024;
    /**
     * What docker-compose is given of Keelson's environment: enough to run and reach the engine. Not
     * the rest, which holds Keelson's own secrets (the database password) and would be interpolated
     * into compose files as {@code ${VAR}}; the project's {@code .env} is read by compose itself.
     */
    private static final List<String> PASSED_ENV = List.of(
            "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY");

    private ComposeHash() {}

    /** The hash compose computes for the container's service now, or why it cannot be had. */
    static Result of(Map<String, String> labels, String dockerHost) {
        return of(labels, dockerHost, "docker-compose", TIMEOUT);
    }

    static Result of(Map<String, String> labels, String dockerHost, String executable, Duration timeout) {
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
        List<String> argv = new ArrayList<>(List.of(executable, "-p", project));
        for (String file : files.split(",")) {
            argv.addAll(List.of("-f", file));
        }
        argv.addAll(List.of("config", "--hash=" + service));
        try {
            String out = run(argv, Path.of(dir), dockerHost, timeout);
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
        } catch (IllegalStateException e) {
            return new Result(Optional.empty(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Optional.empty(), "interrupted");
        }
    }

    /**
     * Runs compose with a minimal environment; its output is read on another thread, up to {@link
     * #MAX_OUTPUT} (the rest is skipped), so the timeout holds whatever compose prints or keeps open.
     */
    private static String run(List<String> argv, Path dir, String dockerHost, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(PASSED_ENV);
        env.put("DOCKER_HOST", dockerHost);
        Process p = pb.start();
        p.getOutputStream().close();
        FutureTask<byte[]> output = new FutureTask<>(() -> readBounded(p.getInputStream()));
        Thread reader = new Thread(output, "compose-hash-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(
                    "docker-compose config --hash did not end within " + timeout.toSeconds() + "s; stopped");
        }
        String out;
        try {
            out = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (ExecutionException | TimeoutException e) {
            out = ""; // a child of compose still holds the output open
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("docker-compose config --hash failed: " + out.strip());
        }
        return out;
    }

    private static byte[] readBounded(InputStream stream) {
        try (stream) {
            byte[] head = stream.readNBytes(MAX_OUTPUT);
            stream.transferTo(OutputStream.nullOutputStream());
            return head;
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The new hash, or the reason there is none (null when the container is not compose v1's). */
    record Result(Optional<String> hash, String problem) {}
}
