package io.keelson.strategy.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one command sends back, read on two threads and held within bounds whatever the host sends:
 * lines for the log are cut to {@link #MAX_LINE} characters, stdout (data such as {@code docker
 * compose config} or {@code docker inspect}) is kept up to {@link #MAX_STDOUT} characters, and only the
 * last {@link #STDERR_LINES} error lines are kept.
 */
final class CommandOutput {

    /** As long as a line of the deployment log may be. */
    static final int MAX_LINE = 4000;
    /**
     * Far above any real {@code docker compose config} or {@code docker inspect} answer (tens of KiB
     * for dozens of services), far below what would strain a 128 MiB heap.
     */
    static final int MAX_STDOUT = 4 * 1024 * 1024;
    /** Enough for the error that ended a command; older lines are in the deployment log. */
    static final int STDERR_LINES = 200;

    private final RemoteCommand command;
    private final Consumer<String> lines;
    private final Consumer<RemoteProcess> started;
    private final StringBuilder stdout = new StringBuilder();
    private final Deque<String> stderr = new ArrayDeque<>();
    private boolean stdoutOverflow;
    private Thread out;
    private Thread err;

    /** @param started told the identity a detached command reports, as soon as it does */
    CommandOutput(RemoteCommand command, Consumer<String> lines, Consumer<RemoteProcess> started) {
        this.command = command;
        this.lines = lines;
        this.started = started;
    }

    void start(InputStream stdoutStream, InputStream stderrStream) {
        out = pump(stdoutStream, MAX_STDOUT, this::onStdout);
        err = pump(stderrStream, MAX_LINE, this::onStderr);
    }

    void join() throws InterruptedException {
        out.join(5000);
        err.join(5000);
    }

    /** The output as read; a quiet command whose data passed {@link #MAX_STDOUT} fails rather than be half-read. */
    synchronized SshHost.Result result(Integer exitCode, String label) {
        if (stdoutOverflow && command.quiet()) {
            throw new SshFailure("the output of " + command.shellText() + " on " + label + " passed "
                    + MAX_STDOUT / (1024 * 1024) + " MiB; Keelson reads no more than that");
        }
        return new SshHost.Result(exitCode, stdout.toString(), List.copyOf(stderr));
    }

    private void onStdout(String line) {
        String logged = cut(line);
        synchronized (this) {
            if (stdout.length() + line.length() + 1 <= MAX_STDOUT) {
                stdout.append(line).append('\n');
            } else {
                stdoutOverflow = true;
            }
            if (command.detached()) {
                keepError(logged); // a detached command's output, both streams, comes through here
            }
        }
        if (!command.quiet()) {
            lines.accept(logged);
        }
    }

    private void onStderr(String line) {
        if (command.detached() && line.startsWith(RemoteCommand.PID_MARK)) {
            RemoteProcess.parse(line.substring(RemoteCommand.PID_MARK.length())).ifPresent(started);
            return;
        }
        synchronized (this) {
            keepError(line);
        }
        lines.accept(line);
    }

    private void keepError(String line) {
        stderr.addLast(line);
        if (stderr.size() > STDERR_LINES) {
            stderr.pollFirst();
        }
    }

    static String cut(String line) {
        return line.length() > MAX_LINE ? line.substring(0, MAX_LINE - 1) + "…" : line;
    }

    private static Thread pump(InputStream stream, int maxLine, Consumer<String> sink) {
        Thread t = new Thread(
                () -> {
                    try (stream) {
                        BoundedLines reader = new BoundedLines(stream, maxLine);
                        for (String line; (line = reader.next()) != null; ) {
                            sink.accept(line);
                        }
                    } catch (IOException ignored) {
                        // The channel closed under us; the exit status tells what happened.
                    }
                },
                "ssh-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
