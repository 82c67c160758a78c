package io.keelson.strategy.ssh;

import java.time.Duration;
import java.util.List;

/**
 * A command to run on a host, as data: the directory to run it in, its argv, and what to feed its
 * standard input (a password, a file's content). Only {@link #shellText()} turns it into shell text.
 *
 * @param quiet true when stdout is data for Keelson (JSON, YAML), not output for the log
 */
public record RemoteCommand(String workDir, List<String> argv, String stdin, boolean quiet, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public static RemoteCommand of(List<String> argv) {
        return new RemoteCommand(null, argv, null, false, DEFAULT_TIMEOUT);
    }

    public RemoteCommand in(String dir) {
        return new RemoteCommand(dir, argv, stdin, quiet, timeout);
    }

    public RemoteCommand withStdin(String input) {
        return new RemoteCommand(workDir, argv, input, quiet, timeout);
    }

    public RemoteCommand asQuiet() {
        return new RemoteCommand(workDir, argv, stdin, true, timeout);
    }

    public RemoteCommand withTimeout(Duration limit) {
        return new RemoteCommand(workDir, argv, stdin, quiet, limit);
    }

    /** The exact text sent to the remote shell; it never contains {@link #stdin()}. */
    public String shellText() {
        String command = ShellQuote.join(argv);
        return workDir == null ? command : "cd " + ShellQuote.quote(workDir) + " && " + command;
    }
}
