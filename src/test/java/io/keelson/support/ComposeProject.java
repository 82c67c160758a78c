package io.keelson.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A docker-compose project on the test SSH host (this machine), and what runs in it. */
public final class ComposeProject {

    private final String name;
    private final Path dir;

    private ComposeProject(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Writes a compose file with one service per entry (service name to image), restart unless-stopped. */
    public static ComposeProject create(Map<String, String> services) {
        return create(services, "    stop_grace_period: 2s\n");
    }

    /** The same with {@code serviceYaml} (indented lines) in place of the default stop_grace_period line. */
    public static ComposeProject create(Map<String, String> services, String serviceYaml) {
        String name = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path dir = TestEnv.DIR.resolve("projects").resolve(name);
        StringBuilder yaml = new StringBuilder("version: \"3.8\"\nservices:\n");
        services.forEach((service, image) -> yaml.append("  ")
                .append(service)
                .append(":\n")
                .append("    image: ")
                .append(image)
                .append("\n")
                .append("    restart: unless-stopped\n")
                .append(serviceYaml));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("docker-compose.yml"), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new ComposeProject(name, dir);
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** The ids of the running containers of a service. */
    public List<String> containers(String service) {
        return containers(null, service);
    }

    /** The same on the engine at {@code dockerHost} (null: the first test host's engine). */
    public List<String> containers(String dockerHost, String service) {
        String out = docker(
                        dockerHost,
                        "ps",
                        "-q",
                        "--no-trunc",
                        "--filter",
                        "label=com.docker.compose.project=" + name,
                        "--filter",
                        "label=com.docker.compose.service=" + service)
                .require();
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    /** The registry digest of the image the service's running container was created from. */
    public Optional<String> runningDigest(String service, String repository) {
        return runningDigest(null, service, repository);
    }

    public Optional<String> runningDigest(String dockerHost, String service, String repository) {
        List<String> ids = containers(dockerHost, service);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        String image = docker(dockerHost, "inspect", "--format", "{{.Image}}", ids.get(0))
                .require()
                .strip();
        String digests = docker(
                        dockerHost, "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", image)
                .require();
        return digests.lines()
                .filter(l -> l.startsWith(repository + "@"))
                .map(l -> l.substring(l.indexOf('@') + 1))
                .findFirst();
    }

    private static Shell.Result docker(String dockerHost, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("docker"));
        if (dockerHost != null) {
            argv.addAll(List.of("-H", dockerHost));
        }
        argv.addAll(List.of(args));
        return Shell.run(argv.toArray(String[]::new));
    }

    public String overrideFile() {
        try {
            Path file = dir.resolve("keelson.override.yml");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes the project's containers and networks, on both test engines, found by compose's labels:
     * plain {@code docker} calls, as a {@code docker-compose down} per engine started two Python
     * interpreters for every test (compose's start-ups were a quarter of a run's CPU).
     */
    public void down() {
        String label = "label=com.docker.compose.project=" + name;
        for (String engine : new String[] {null, TestEnv.HOST_B_DOCKER}) {
            removeAll(engine, List.of("ps", "-aq", "--filter", label), List.of("rm", "-f"));
            removeAll(engine, List.of("network", "ls", "-q", "--filter", label), List.of("network", "rm"));
        }
    }

    /** Runs {@code remove} with the ids {@code list} prints, when it prints any. */
    private static void removeAll(String engine, List<String> list, List<String> remove) {
        List<String> ids =
                docker(engine, list.toArray(String[]::new)).output().lines().toList();
        if (!ids.isEmpty()) {
            List<String> argv = new java.util.ArrayList<>(remove);
            argv.addAll(ids);
            docker(engine, argv.toArray(String[]::new));
        }
    }
}
