package io.keelson.strategy.compose;

import io.keelson.catalog.ComposeSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.ShellQuote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every command the ssh-compose strategy runs on a host, built as argv by pure functions. Values
 * reaching here were validated by the catalog or parsed as {@link ImageRef}; quoting happens once,
 * in {@link ShellQuote}.
 */
public final class ComposeCommands {

    /** The compose file Keelson owns in the project folder: each deployed service pinned by digest. */
    public static final String OVERRIDE_FILE = "keelson.override.yml";

    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);
    /** Writes stdin to the file named by $1 through a temporary file, so a reader never sees half of it. */
    private static final String WRITE_SCRIPT = "cat > \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\"";

    private final ComposeSpec compose;
    private final List<String> sudo;

    /** @param sudo whether docker and compose run through {@code sudo -n} (for a deploy user that may not use docker itself) */
    public ComposeCommands(ComposeSpec compose, boolean sudo) {
        this.compose = compose;
        this.sudo = sudo ? List.of("sudo", "-n") : List.of();
    }

    public ComposeCommands(ComposeSpec compose) {
        this(compose, false);
    }

    /** {@code docker} with {@code args}, through sudo when the target says so. */
    private List<String> docker(String... args) {
        List<String> argv = new ArrayList<>(sudo);
        argv.add("docker");
        argv.addAll(List.of(args));
        return argv;
    }

    public String overridePath() {
        return compose.projectDir().replaceAll("/+$", "") + "/" + OVERRIDE_FILE;
    }

    /** {@code docker login} with the password on stdin: it never appears on a command line. */
    public RemoteCommand login(String server, String username, String password) {
        return RemoteCommand.of(docker("login", "--username", username, "--password-stdin", server))
                .withStdin(password + "\n");
    }

    /** The merged configuration of the user's own files, without Keelson's pins: the images as tagged. */
    public RemoteCommand config() {
        List<String> argv = compose(false);
        argv.add("config");
        return RemoteCommand.of(argv).in(compose.projectDir()).asQuiet();
    }

    public RemoteCommand pull(ImageRef image) {
        return RemoteCommand.of(docker("pull", image.toString())).withTimeout(PULL_TIMEOUT);
    }

    public RemoteCommand repoDigests(String imageOrId) {
        return RemoteCommand.of(docker("image", "inspect", "--format", "{{json .RepoDigests}}", imageOrId))
                .asQuiet();
    }

    /**
     * The containers of a service, found by compose's own labels: a plain {@code docker ps} costs
     * a fraction of a {@code docker-compose ps}, which starts a Python interpreter each time.
     */
    public RemoteCommand containerIds(String service) {
        return RemoteCommand.of(docker(
                        "ps",
                        "-a",
                        "-q",
                        "--no-trunc",
                        "--filter",
                        "label=com.docker.compose.project=" + projectName(),
                        "--filter",
                        "label=com.docker.compose.service=" + service,
                        "--filter",
                        "label=com.docker.compose.oneoff=False"))
                .asQuiet();
    }

    /** The project name compose uses: the configured one, else the folder's name as compose normalises it. */
    public String projectName() {
        if (compose.projectName() != null) {
            return compose.projectName();
        }
        String dir = compose.projectDir().replaceAll("/+$", "");
        return dir.substring(dir.lastIndexOf('/') + 1)
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^-_a-z0-9]", "");
    }

    public RemoteCommand inspectContainer(String id) {
        return RemoteCommand.of(docker("inspect", "--type", "container", id)).asQuiet();
    }

    /** Recreates one service in one step (stop, remove, create, start), leaving its dependencies alone. */
    public RemoteCommand up(String service, boolean forceRecreate) {
        List<String> argv = compose(true);
        argv.addAll(List.of("up", "-d", "--no-deps"));
        if (forceRecreate) {
            argv.add("--force-recreate");
        }
        argv.add(service);
        return RemoteCommand.of(argv).in(compose.projectDir());
    }

    /**
     * Writes the override (content on stdin, replaced atomically) and then runs {@link #up} in the
     * same exec: one round trip less on the critical path of every deployment.
     */
    public RemoteCommand pinAndUp(String overrideContent, String service, boolean forceRecreate) {
        List<String> argv =
                new ArrayList<>(List.of("sh", "-c", WRITE_SCRIPT + " && shift && exec \"$@\"", "sh", overridePath()));
        argv.addAll(up(service, forceRecreate).argv());
        return RemoteCommand.of(argv)
                .in(compose.projectDir())
                .withStdin(overrideContent)
                .asDetached();
    }

    /**
     * Writes the override and starts one more container of the service beside the ones running, which
     * are left as they are ({@code --no-recreate}): overlap's new copy, created by compose itself, so
     * it carries compose's labels and the configuration hash of the new pin.
     */
    public RemoteCommand pinAndAddCopy(String overrideContent, String service, int copies) {
        List<String> up = compose(true);
        up.addAll(List.of("up", "-d", "--no-deps", "--no-recreate", "--scale", service + "=" + copies, service));
        List<String> argv =
                new ArrayList<>(List.of("sh", "-c", WRITE_SCRIPT + " && shift && exec \"$@\"", "sh", overridePath()));
        argv.addAll(up);
        return RemoteCommand.of(argv)
                .in(compose.projectDir())
                .withStdin(overrideContent)
                .asDetached();
    }

    /** Stops and removes a service that did not exist before the deployment that failed. */
    public RemoteCommand remove(String service) {
        List<String> argv = compose(true);
        argv.addAll(List.of("rm", "--stop", "--force", service));
        return RemoteCommand.of(argv).in(compose.projectDir()).asDetached();
    }

    /**
     * Starts services as the user's files configure them (no pins), leaving each one that already
     * runs that configuration alone: the services of a review environment Keelson does not roll.
     */
    public RemoteCommand upCompanions(List<String> services) {
        List<String> argv = compose(false);
        argv.addAll(List.of("up", "-d", "--no-deps"));
        argv.addAll(services);
        return RemoteCommand.of(argv).in(compose.projectDir()).asDetached();
    }

    /**
     * Brings the whole project down: its containers (also of services no longer in the files), its
     * networks and its volumes. Run for a review environment's end only.
     */
    public RemoteCommand down() {
        List<String> argv = compose(false);
        argv.addAll(List.of("down", "--volumes", "--remove-orphans", "--timeout", "10"));
        return RemoteCommand.of(argv).in(compose.projectDir()).asDetached();
    }

    public RemoteCommand readOverride() {
        return RemoteCommand.of(List.of("cat", overridePath())).asQuiet();
    }

    /** Replaces the override file atomically (write aside, then rename) with the content on stdin. */
    public RemoteCommand writeOverride(String content) {
        return RemoteCommand.of(List.of("sh", "-c", WRITE_SCRIPT, "sh", overridePath()))
                .withStdin(content)
                .asQuiet();
    }

    private List<String> compose(boolean withOverride) {
        List<String> argv = new ArrayList<>(sudo);
        argv.addAll(List.of(compose.effectiveCommand().split(" ")));
        if (compose.projectName() != null) {
            argv.addAll(List.of("-p", compose.projectName()));
        }
        for (String file : compose.effectiveFiles()) {
            argv.addAll(List.of("-f", file));
        }
        if (withOverride) {
            argv.addAll(List.of("-f", OVERRIDE_FILE));
        }
        return argv;
    }
}
