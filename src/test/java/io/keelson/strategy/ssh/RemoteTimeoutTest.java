package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A host-changing command that outlives its timeout is stopped on the host, not only abandoned by
 * Keelson, so it cannot race the rollback that follows. Against the real test sshd.
 */
class RemoteTimeoutTest {

    @Test
    void aDetachedCommandThatTimesOutIsStoppedOnTheHost() throws Exception {
        TestEnv.require();
        String marker = "keelson-timeout-" + UUID.randomUUID();
        RemoteCommand slow = RemoteCommand.of(List.of("sh", "-c", "exec sleep 300", marker))
                .asDetached()
                .withTimeout(Duration.ofSeconds(2));

        try (SshHost host = SshHost.connect(
                TestEnv.SSH_HOST,
                TestEnv.SSH_PORT,
                "root",
                TestEnv.clientKey(),
                TestEnv.knownHosts(),
                Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> host.run(slow, line -> {}))
                    .isInstanceOf(SshFailure.class)
                    .hasMessageContaining("timed out");
        }

        Thread.sleep(500);
        // The wrapper that started the sleep waits for it; gone means the sleep was stopped.
        assertThat(Shell.run("pgrep", "-f", marker).output())
                .as("the timed-out command, still on the host")
                .isBlank();
    }
}
