package io.keelson.edge;

import io.keelson.strategy.engine.ContainerExec;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.ExecStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The edge tool's {@code serve} mode, kept open through a deployment: each command of the tool is a
 * line sent and an answer read, not an exec of its own (three engine round trips and a process
 * set-up, about 300 ms over an SSH-tunnelled engine). What makes overlap's switch follow the gate
 * within milliseconds, and a drain's look at open connections cheap. A command runs exactly as by
 * exec: the same tool, its lock and its checks.
 */
final class EdgeSession implements AutoCloseable {

    private final ExecStream stream;
    private final ReentrantLock busy = new ReentrantLock();
    private long next;
    private volatile long lastUse = System.nanoTime();

    private EdgeSession(ExecStream stream) {
        this.stream = stream;
    }

    static EdgeSession open(DockerEngine engine) {
        return new EdgeSession(engine.openExec(Edge.CONTAINER, List.of(Edge.TOOL, "serve")));
    }

    /**
     * Runs the tool with {@code argv}, or answers empty at once when the session is running another
     * command (a reload that waits for a hold to end must not hold up the release it waits for: the
     * caller runs this one by exec). Throws {@link ExecStream.Ended} when the session had ended before
     * the command was sent (nothing ran), and closes the session on any other failure.
     */
    Optional<ContainerExec.Result> call(List<String> argv, Duration timeout) {
        if (!busy.tryLock()) {
            return Optional.empty();
        }
        try {
            return Optional.of(exchange(argv, timeout));
        } finally {
            busy.unlock();
        }
    }

    private ContainerExec.Result exchange(List<String> argv, Duration timeout) {
        long id = ++next;
        StringBuilder line = new StringBuilder().append(id);
        for (String arg : argv) {
            line.append(' ')
                    .append(
                            arg.isEmpty()
                                    ? "-"
                                    : Base64.getEncoder().encodeToString(arg.getBytes(StandardCharsets.UTF_8)));
        }
        stream.send(line.append('\n').toString());
        lastUse = System.nanoTime();
        // The end is written to both streams: docker carries them apart, and a command's last error line
        // may come after its end on stdout.
        ExecStream.Output answer = stream.takeThrough(
                Pattern.compile("\n#keelson-edge " + id + " (\\d+)\n"),
                Pattern.compile("\n#keelson-edge " + id + "\n"),
                timeout);
        lastUse = System.nanoTime();
        Matcher end = answer.stdoutEnd();
        return new ContainerExec.Result(
                Integer.parseInt(end.group(1)),
                answer.stdout().substring(0, end.start()),
                answer.stderr().substring(0, answer.stderrEnd().start()));
    }

    /** Whether no command went through the session for longer than {@code idle}. */
    boolean idleLongerThan(Duration idle) {
        return System.nanoTime() - lastUse > idle.toNanos() && !busy.isLocked();
    }

    @Override
    public void close() {
        stream.close();
    }
}
