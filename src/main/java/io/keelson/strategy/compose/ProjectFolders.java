package io.keelson.strategy.compose;

import io.keelson.strategy.DeployOrder;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshFailure;
import io.keelson.strategy.ssh.SshHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The host commands that make and remove a review environment's project: its folder (a copy of the
 * template's), the {@code .env} lines that give it its ports, and everything compose made for it.
 * The paths come from the catalog's checked pattern and a checked slug; they reach the shell only as
 * quoted positional arguments, and no step follows a symbolic link where the environment's folder
 * should be.
 */
final class ProjectFolders {

    /** The compose label every container, network and volume of a project carries. */
    private static final String PROJECT_LABEL = "com.docker.compose.project";

    /** Suffix of the folder a copy is made in before it is renamed into place. */
    static final String NEW_SUFFIX = ".keelson-new";

    /**
     * $1 the template's folder, $2 the environment's; stdin the variable lines. The copy is made
     * beside the folder and renamed into place, so a copy cut off half-way is never taken for the
     * folder; Keelson's own files (pins, running marker) are not copied. Then the variables replace
     * their earlier lines in {@code .env}, through a temporary file.
     */
    private static final String PREPARE =
            """
            set -e
            src=$1; dst=$2
            if [ -L "$dst" ]; then echo "$dst is a symbolic link; Keelson does not follow it" >&2; exit 3; fi
            if [ ! -d "$dst" ]; then
              if [ ! -d "$src" ]; then echo "the template's folder $src does not exist on this host" >&2; exit 4; fi
              tmp="$dst%1$s"
              rm -rf -- "$tmp"
              mkdir -p -- "$(dirname -- "$dst")"
              cp -a -- "$src/." "$tmp"
              rm -f -- "$tmp/%2$s" "$tmp/%3$s" "$tmp/%3$s.tmp"
              mv -- "$tmp" "$dst"
              echo "made $dst as a copy of $src"
            fi
            e="$dst/.env"
            { if [ -e "$e" ]; then grep -v -E '^(KEELSON_PORT_[A-Z0-9_]*|KEELSON_ENVIRONMENT)=' "$e" || true; fi; cat; } >"$e.keelson-tmp"
            mv -f -- "$e.keelson-tmp" "$e"
            """.formatted(NEW_SUFFIX, RemoteCommand.RUNNING_MARKER, ComposeCommands.OVERRIDE_FILE);

    /** $1 the project; the rest the docker command. Removes what compose left of the project, by its label. */
    private static final String SWEEP = """
            p=$1; shift
            f="label=%s=$p"
            ids=$("$@" ps -aq --filter "$f"); if [ -n "$ids" ]; then "$@" rm -f -v $ids >/dev/null; fi
            nets=$("$@" network ls -q --filter "$f"); if [ -n "$nets" ]; then "$@" network rm $nets >/dev/null; fi
            vols=$("$@" volume ls -q --filter "$f"); if [ -n "$vols" ]; then "$@" volume rm -f $vols >/dev/null; fi
            exit 0
            """.formatted(PROJECT_LABEL);

    /** $1 the folder. A symbolic link in its place is left alone and named. */
    private static final String REMOVE_FOLDER = """
            d=$1
            if [ -L "$d" ]; then echo "$d is a symbolic link; Keelson does not follow it" >&2; exit 3; fi
            rm -rf -- "$d" "$d%s"
            """.formatted(NEW_SUFFIX);

    /** $1 the project, $2 the folder, the rest the docker command: one line per thing of the project still there. */
    private static final String LEFTOVERS = """
            p=$1; d=$2; shift 2
            f="label=%1$s=$p"
            "$@" ps -a --filter "$f" --format 'container {{.Names}}' || echo "unknown: docker ps failed"
            "$@" network ls --filter "$f" --format 'network {{.Name}}' || echo "unknown: docker network ls failed"
            "$@" volume ls --filter "$f" --format 'volume {{.Name}}' || echo "unknown: docker volume ls failed"
            for x in "$d" "$d%2$s"; do if [ -e "$x" ] || [ -L "$x" ]; then echo "folder $x"; fi; done
            exit 0
            """.formatted(PROJECT_LABEL, NEW_SUFFIX);

    private ProjectFolders() {}

    /**
     * For a review environment's deployment ({@code folder} not null): makes its folder when it is
     * missing and writes its variables, before anything else happens on the host.
     *
     * @throws SshFailure with the host's reason when that fails
     */
    static void make(SshHost ssh, DeployOrder.ProjectFolder folder, String dir, Runnable guard, Consumer<String> log) {
        if (folder == null) {
            return;
        }
        guard.run(); // a replica that lost the lane changes nothing on the host
        SshHost.Result result = ssh.run(prepare(folder.copyOf(), dir, folder.variables()), line -> {});
        result.stdout().lines().filter(line -> !line.isBlank()).forEach(log);
        if (!result.ok()) {
            throw new SshFailure("preparing the environment's folder " + dir + " on " + ssh.label() + " failed: "
                    + result.lastError());
        }
        log.accept(dir + "/.env: " + String.join(", ", folder.variables().keySet()) + " set");
    }

    /**
     * In a review environment, starts the services Keelson does not roll (a database, a cache) as
     * the compose files say, before the rolled ones: a new project has nothing running yet. One
     * already running is left as it is; a service without an image (built, not pulled) is not started.
     */
    static void startCompanions(
            DeployOrder order,
            String configYaml,
            ComposeCommands commands,
            Runnable guard,
            BiFunction<RemoteCommand, String, SshHost.Result> require) {
        if (order.folder() == null || configYaml == null) {
            return;
        }
        List<String> others = ComposeFiles.parse(configYaml).images().entrySet().stream()
                .filter(service -> !order.units().contains(service.getKey()) && service.getValue() != null)
                .map(Map.Entry::getKey)
                .toList();
        if (!others.isEmpty()) {
            guard.run();
            require.apply(commands.upCompanions(others), "docker-compose up " + String.join(" ", others));
        }
    }

    /** Makes {@code dir} as a copy of {@code copyOf} when it is missing, and sets {@code variables} in its {@code .env}. */
    static RemoteCommand prepare(String copyOf, String dir, Map<String, String> variables) {
        StringBuilder lines = new StringBuilder();
        variables.forEach(
                (name, value) -> lines.append(name).append('=').append(value).append('\n'));
        return RemoteCommand.of(List.of("sh", "-c", PREPARE, "sh", copyOf, dir))
                .withStdin(lines.toString())
                .asQuiet();
    }

    /** Removes the containers, networks and volumes labelled with {@code project}. */
    static RemoteCommand sweep(String project, boolean sudo) {
        return RemoteCommand.of(withDocker(List.of("sh", "-c", SWEEP, "sh", project), sudo))
                .asQuiet();
    }

    static RemoteCommand removeFolder(String dir) {
        return RemoteCommand.of(List.of("sh", "-c", REMOVE_FOLDER, "sh", dir)).asQuiet();
    }

    /** What is left of the project: lines {@code container|network|volume|folder <name>}, or {@code unknown: …}. */
    static RemoteCommand leftovers(String project, String dir, boolean sudo) {
        return RemoteCommand.of(withDocker(List.of("sh", "-c", LEFTOVERS, "sh", project, dir), sudo))
                .asQuiet();
    }

    /** Whether {@code dir} is a real folder (not a link) with the files compose needs to bring the project down. */
    static RemoteCommand hasProject(String dir, List<String> files) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", HAS_PROJECT, "sh", dir));
        argv.addAll(files);
        return RemoteCommand.of(argv).asQuiet();
    }

    private static final String HAS_PROJECT = """
            d=$1; shift
            [ -d "$d" ] && [ ! -L "$d" ] || exit 1
            for f in "$@"; do case "$f" in /*) [ -f "$f" ] || exit 1;; *) [ -f "$d/$f" ] || exit 1;; esac; done
            """;

    private static List<String> withDocker(List<String> argv, boolean sudo) {
        List<String> all = new ArrayList<>(argv);
        if (sudo) {
            all.addAll(List.of("sudo", "-n"));
        }
        all.add("docker");
        return all;
    }
}
