package io.keelson.strategy.compose;

import io.keelson.catalog.TargetSpec;
import io.keelson.strategy.Progress;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.time.Duration;
import java.util.List;

/**
 * The end of a review environment on one host: compose brings the project down, whatever compose
 * did not remove is removed by the project's label, then the folder goes. What is left afterwards is
 * read back from the host, so the deployment says exactly what remains rather than what was tried.
 */
final class ProjectRemoval {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final String host;
    private final TargetSpec target;
    private final Progress progress;
    private final ComposeCommands commands;

    ProjectRemoval(String host, TargetSpec target, Progress progress) {
        this.host = host;
        this.target = target;
        this.progress = progress;
        this.commands = new ComposeCommands(target.compose(), target.ssh().usesSudo());
    }

    /** Removes the project here; returns what is left ({@code container x}, {@code folder /p}, …), empty when nothing is. */
    List<String> run() {
        String dir = target.compose().projectDir();
        String project = commands.projectName();
        boolean sudo = target.ssh().usesSudo();
        try (SshHost ssh = SshHost.connect(host, target.ssh(), CONNECT_TIMEOUT)) {
            log("connected as " + target.ssh().user() + ", " + ssh.howConnected() + "; removing project " + project);
            EarlierCommands.awaitMarked(ssh, dir, this::log);
            progress.guard();
            if (ssh.run(ProjectFolders.hasProject(dir, target.compose().effectiveFiles()), line -> {})
                    .ok()) {
                RemoteCommand down = commands.down();
                log("$ " + down.shellText());
                SshHost.Result result = ssh.run(down, this::log);
                if (!result.ok()) {
                    log("docker-compose down did not finish (" + result.lastError()
                            + "); removing the project's containers, networks and volumes by its label");
                }
            } else {
                log(dir + " holds no compose project; removing what carries the project's label");
            }
            progress.guard();
            report(ssh.run(ProjectFolders.sweep(project, sudo), line -> {}), "removing by label");
            progress.guard();
            report(ssh.run(ProjectFolders.removeFolder(dir), line -> {}), "removing " + dir);
            SshHost.Result left = ssh.run(ProjectFolders.leftovers(project, dir, sudo), line -> {});
            List<String> leftovers = left.ok()
                    ? left.stdout().lines().filter(l -> !l.isBlank()).toList()
                    : List.of("unknown: the check of what is left failed (" + left.lastError() + ")");
            log(leftovers.isEmpty() ? "nothing of " + project + " is left" : "left: " + String.join(", ", leftovers));
            return leftovers.stream().map(l -> host + ": " + l).toList();
        }
    }

    private void report(SshHost.Result result, String what) {
        if (!result.ok()) {
            log(what + " failed: " + result.lastError());
        }
    }

    private void log(String line) {
        progress.log("[" + host + "] " + line);
    }
}
