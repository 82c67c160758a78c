package io.keelson.strategy.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code docker exec} through the Engine API: how Keelson talks to the edge it runs on a host. */
public final class ContainerExec {

    /** What a command run in a container said: its exit status and its output, each cut at 1 MiB. */
    public record Result(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private ContainerExec() {}

    static Result run(DockerClient client, String host, String containerId, List<String> argv, Duration timeout) {
        String execId = client.execCreateCmd(containerId)
                .withCmd(argv.toArray(String[]::new))
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        BoundedOutput out = new BoundedOutput();
        BoundedOutput err = new BoundedOutput();
        try (var callback = client.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                (frame.getStreamType() == StreamType.STDERR ? err : out).write(frame.getPayload());
            }
        })) {
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("engine " + host + ": " + argv.get(0) + " in " + containerId
                        + " did not end within " + timeout.toSeconds() + " s");
            }
        } catch (IOException e) {
            throw new IllegalStateException("engine " + host + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + argv.get(0) + " ran in " + containerId, e);
        }
        Long exit = client.inspectExecCmd(execId).exec().getExitCodeLong();
        return new Result(exit == null ? -1 : exit.intValue(), out.text(), err.text());
    }

    /** Collects a command's output up to 1 MiB; the rest is dropped, so no command can fill Keelson's memory. */
    private static final class BoundedOutput {
        private static final int LIMIT = 1 << 20;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        synchronized void write(byte[] payload) {
            if (payload != null) {
                bytes.write(payload, 0, Math.min(payload.length, Math.max(0, LIMIT - bytes.size())));
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
