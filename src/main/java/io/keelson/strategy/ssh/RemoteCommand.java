package io.keelson.strategy.ssh;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A command to run on a host, as data: the directory to run it in, its argv, and what to feed its
 * standard input (a password, a file's content). Only {@link #shellText()} turns it into shell text.
 *
 * @param quiet true when stdout is data for Keelson (JSON, YAML), not output for the log
 * @param detached true for a command that changes the host: it runs apart from the SSH session, so a
 *     lost connection (or Keelson killed) does not cut it off half-way, and it reports its pid, so a
 *     timeout or a rollback can stop it
 */
public record RemoteCommand(
        String workDir, List<String> argv, String stdin, boolean quiet, Duration timeout, boolean detached) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** The line a detached command starts with on stderr, followed by its {@link RemoteProcess#text()}. */
    public static final String PID_MARK = "keelson-pid ";
    /**
     * The file a detached command leaves its {@link RemoteProcess} identity in, in its working
     * directory, while it runs: a Keelson started again after a crash finds there a command the
     * earlier one left running.
     */
    public static final String RUNNING_MARKER = ".keelson-running";
    /**
     * Runs "$@" in the background with its output in a file, follows that file while it runs and
     * ends with its exit status. The background command's stdin is the session's (fd 3), since an
     * asynchronous list would otherwise read /dev/null. It runs in its own session (setsid, which
     * does not fork here: a background job of a shell without job control never leads a process
     * group), so stopping it reaches its children too.
     */
    public static final String DETACH_SCRIPT = "o=$(mktemp \"${TMPDIR:-/tmp}/keelson.XXXXXX\") || exit 125; exec 3<&0; "
            + RemoteProcess.IDENTITY_FUNCTION
            + "if command -v setsid >/dev/null 2>&1; then setsid \"$@\" <&3 >\"$o\" 2>&1 & "
            + "else \"$@\" <&3 >\"$o\" 2>&1 & fi; p=$!; exec 3<&-; "
            + "m=$(ident \"$p\") || m=$p; echo \"" + PID_MARK + "$m\" >&2; "
            + "echo \"$m\" >" + RUNNING_MARKER + " 2>/dev/null; "
            + "tail -s 0.1 -n +1 -f --pid=\"$p\" \"$o\"; wait \"$p\"; r=$?; rm -f \"$o\"; "
            + "[ \"$(cat " + RUNNING_MARKER + " 2>/dev/null)\" = \"$m\" ] && rm -f " + RUNNING_MARKER + "; exit \"$r\"";

    public static RemoteCommand of(List<String> argv) {
        return new RemoteCommand(null, argv, null, false, DEFAULT_TIMEOUT, false);
    }

    public RemoteCommand in(String dir) {
        return new RemoteCommand(dir, argv, stdin, quiet, timeout, detached);
    }

    public RemoteCommand withStdin(String input) {
        return new RemoteCommand(workDir, argv, input, quiet, timeout, detached);
    }

    public RemoteCommand asQuiet() {
        return new RemoteCommand(workDir, argv, stdin, true, timeout, detached);
    }

    public RemoteCommand withTimeout(Duration limit) {
        return new RemoteCommand(workDir, argv, stdin, quiet, limit, detached);
    }

    public RemoteCommand asDetached() {
        return new RemoteCommand(workDir, argv, stdin, quiet, timeout, true);
    }

    /** The exact text sent to the remote shell; it never contains {@link #stdin()}. */
    public String shellText() {
        List<String> run = detached
                ? Stream.concat(List.of("sh", "-c", DETACH_SCRIPT, "sh").stream(), argv.stream())
                        .toList()
                : argv;
        String command = ShellQuote.join(run);
        return workDir == null ? command : "cd " + ShellQuote.quote(workDir) + " && " + command;
    }
}
