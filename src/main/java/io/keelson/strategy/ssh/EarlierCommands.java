package io.keelson.strategy.ssh;

import java.util.function.Consumer;

/**
 * Commands a deployment must not race on a host: one this Keelson lost its connection to, or one an
 * earlier Keelson started and then crashed. Each is given a while to end on its own, then stopped.
 */
final class EarlierCommands {

    /** How long such a command may go on finishing by itself before it is stopped. */
    static final int WAIT_SECONDS = 60;

    private EarlierCommands() {}

    /** Waits for (then stops) a command whose pid this Keelson still knows. */
    static void await(SshHost ssh, long pid, Consumer<String> log) {
        log.accept("waiting for the interrupted command (pid " + pid + ") to end before rolling back");
        ssh.run(RemoteCommand.stop(pid, WAIT_SECONDS), log);
    }

    /** Waits for (then stops) a command whose pid an earlier run left in {@code dir}'s running marker, if it still runs. */
    static void awaitMarked(SshHost ssh, String dir, Consumer<String> log) {
        SshHost.Result running = ssh.run(RemoteCommand.runningIn(dir), line -> {});
        String pid = running.ok() ? running.stdout().strip() : "";
        if (pid.matches("[0-9]{1,10}")) {
            log.accept("a command started by an earlier deployment still runs here (pid " + pid
                    + "); waiting for it to end");
            ssh.run(RemoteCommand.stop(Long.parseLong(pid), WAIT_SECONDS), log);
        }
    }
}
