package io.keelson.strategy.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command kept running in a container with its stdin open ({@code docker exec -i}), spoken to in
 * exchanges: one exec's start (engine round trips, the runtime's process set-up) serves many
 * commands, which is what makes a step through it take milliseconds instead of a few hundred.
 */
public final class ExecStream implements AutoCloseable {

    /** What one exchange read: each stream through the end its caller waited for there (found: {@code group()} works). */
    public record Output(String stdout, String stderr, Matcher stdoutEnd, Matcher stderrEnd) {}

    /** The command had ended (or was closed) before the text could be sent: nothing reached it. */
    public static final class Ended extends IllegalStateException {
        Ended(String message) {
            super(message);
        }
    }

    /** An exchange's output is cut here: past it the stream is given up rather than grown. */
    private static final int LIMIT = 1 << 20;

    private final String what;
    private final Feed stdin = new Feed();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Consumer<ExecStream> onClose;
    private ResultCallback.Adapter<Frame> callback;
    private boolean ended;
    private boolean closed;

    private ExecStream(String what, Consumer<ExecStream> onClose) {
        this.what = what;
        this.onClose = onClose;
    }

    /** Starts the command; the stream is in {@code open} until it is closed. */
    static ExecStream open(DockerClient client, String containerId, List<String> argv, Set<ExecStream> open) {
        String execId = client.execCreateCmd(containerId)
                .withCmd(argv.toArray(String[]::new))
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        ExecStream stream = new ExecStream(argv.get(0) + " in " + containerId, open::remove);
        ResultCallback.Adapter<Frame> started =
                client.execStartCmd(execId).withStdIn(stream.stdin).exec(stream.new Frames());
        synchronized (stream) {
            stream.callback = started;
        }
        open.add(stream);
        return stream;
    }

    /** Sends {@code text} to the command's stdin; throws {@link Ended} when it can no longer take any. */
    public void send(String text) {
        synchronized (this) {
            if (ended) {
                throw new Ended(what + " has ended");
            }
        }
        stdin.put(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Waits until stdout holds a match of {@code stdoutEnd} and stderr one of {@code stderrEnd}, then
     * takes each stream through its match (what follows stays for the next exchange). Throws when
     * {@code timeout} passes first, the command ends first, or the output outgrows its bound; the
     * stream is then closed (where the command is in its work is not known).
     */
    public Output takeThrough(Pattern stdoutEnd, Pattern stderrEnd, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem = null;
        synchronized (this) {
            while (problem == null) {
                Matcher outEnd = stdoutEnd.matcher(out.toString(StandardCharsets.UTF_8));
                Matcher errEnd = stderrEnd.matcher(err.toString(StandardCharsets.UTF_8));
                if (outEnd.find() && errEnd.find()) {
                    return new Output(take(out, outEnd), take(err, errEnd), outEnd, errEnd);
                }
                long left = deadline - System.nanoTime();
                if (ended) {
                    problem = " ended";
                } else if (out.size() + err.size() > LIMIT) {
                    problem = " answered more than " + (LIMIT >> 20) + " MiB";
                } else if (left <= 0) {
                    problem = " did not answer within " + timeout.toSeconds() + " s";
                } else {
                    try {
                        wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        problem = ": interrupted while waiting for it";
                    }
                }
            }
        }
        close();
        throw new IllegalStateException(what + problem);
    }

    /** The buffer's text through the match; the buffer keeps what follows it. */
    private static String take(ByteArrayOutputStream buffer, Matcher end) {
        String text = buffer.toString(StandardCharsets.UTF_8);
        byte[] rest = text.substring(end.end()).getBytes(StandardCharsets.UTF_8);
        buffer.reset();
        buffer.write(rest, 0, rest.length);
        return text.substring(0, end.end());
    }

    /**
     * Ends the command's input and lets the connection go; the engine ends the command's input with
     * it. Not waiting for the command to end first: its end-of-file does not reach it through the
     * hijacked connection until that closes (measured: a second's wait for it was always waited out).
     */
    @Override
    public void close() {
        ResultCallback.Adapter<Frame> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ended = true;
            open = callback;
            callback = null;
            notifyAll();
        }
        stdin.end();
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // The connection is going either way.
            }
        }
        onClose.accept(this);
    }

    private final class Frames extends ResultCallback.Adapter<Frame> {
        @Override
        public void onNext(Frame frame) {
            synchronized (ExecStream.this) {
                byte[] payload = frame.getPayload();
                if (payload != null) {
                    (frame.getStreamType() == StreamType.STDERR ? err : out).write(payload, 0, payload.length);
                }
                ExecStream.this.notifyAll();
            }
        }

        @Override
        public void onError(Throwable error) {
            markEnded();
            super.onError(error);
        }

        @Override
        public void onComplete() {
            markEnded();
            super.onComplete();
        }

        private void markEnded() {
            synchronized (ExecStream.this) {
                ended = true;
                ExecStream.this.notifyAll();
            }
            stdin.end(); // docker-java's stdin thread waits on it: let it go
        }
    }

    /**
     * The command's stdin as docker-java reads it (on its own thread): what {@link #send} queued, and
     * end-of-file after {@link #end}. Not a PipedInputStream, which fails once the thread that last
     * wrote to it has ended, and deployments write from whichever thread runs them.
     */
    private static final class Feed extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int at;
        private boolean done;

        void put(byte[] bytes) {
            chunks.add(bytes);
        }

        void end() {
            chunks.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (!done && at == current.length) {
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                at = 0;
                done = current == END;
            }
            if (done) {
                return -1;
            }
            int n = Math.min(length, current.length - at);
            System.arraycopy(current, at, buffer, offset, n);
            at += n;
            return n;
        }
    }
}
