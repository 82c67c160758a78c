package io.keelson.strategy.compose;

import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.RemoteProcess;
import io.keelson.strategy.ssh.SshFailure;
import io.keelson.strategy.ssh.SshHost;
import java.util.function.Consumer;

/**
 * Commands a deployment must not race on a host: one this Keelson lost its connection to, or one an
 * earlier Keelson started and then crashed. Each is given a while to end on its own, then stopped.
 * Only the very process that was started is waited for or signalled ({@link RemoteProcess}): a
 * stale marker, after a reboot or a killed wrapper, is removed and nothing is stopped.
 */
final class EarlierCommands {

    /** How long such a command may go on finishing by itself before it is stopped. */
    static final int WAIT_SECONDS = 60;

    private EarlierCommands() {}

    /** Waits for (then stops) a command this Keelson started and did not see end. */
    static void await(SshHost ssh, RemoteProcess process, Consumer<String> log) {
        log.accept("waiting for the interrupted command (pid " + process.pid() + ") to end before rolling back");
        stop(ssh, process, WAIT_SECONDS, log);
    }

    /** Waits for (then stops) the command an earlier run left in {@code dir}'s running marker, if it still runs. */
    static void awaitMarked(SshHost ssh, String dir, Consumer<String> log) {
        awaitMarked(ssh, dir, WAIT_SECONDS, log);
    }

    static void awaitMarked(SshHost ssh, String dir, int waitSeconds, Consumer<String> log) {
        SshHost.Result running = ssh.run(RemoteProcess.runningIn(dir), line -> {});
        String marker = running.ok() ? running.stdout().strip() : "";
        if (marker.equals("stale")) {
            log.accept("removed a stale " + RemoteCommand.RUNNING_MARKER
                    + ": the command it names no longer runs (its pid is gone or now names another process)");
            return;
        }
        RemoteProcess.parse(marker).ifPresent(process -> {
            log.accept("a command started by an earlier deployment still runs here (pid " + process.pid()
                    + "); waiting for it to end");
            stop(ssh, process, waitSeconds, log);
        });
    }

    private static void stop(SshHost ssh, RemoteProcess process, int waitSeconds, Consumer<String> log) {
        String left = ssh.run(process.stop(waitSeconds), log).stdout().strip();
        if (!left.isEmpty()) {
            throw new SshFailure("the earlier command (pid " + process.pid() + ") on " + ssh.label()
                    + " could not be stopped: processes " + left + " of its group still run, as another user"
                    + " (sudo: the deploy user can send them TERM through sudo, not KILL); let them end or stop"
                    + " them on the host, then deploy again");
        }
    }
}
