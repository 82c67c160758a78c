package io.keelson.strategy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.RemoteProcess;
import io.keelson.strategy.ssh.SshHost;
import io.keelson.support.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code .keelson-running} marker left behind (host rebooted, wrapper killed) must never make a
 * deployment wait for, or signal, whatever process holds that pid now; a marker that still names the
 * command it was written for is waited for and its whole process group stopped. Against the real
 * test sshd, whose host is this machine, so the test sees the processes and the marker itself.
 */
class EarlierCommandsTest {

    private Path dir;
    private Process unrelated;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        TestEnv.require();
        dir = Files.createTempDirectory("keelson-marker");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (unrelated != null) {
            unrelated.destroyForcibly();
        }
        Files.deleteIfExists(dir.resolve(RemoteCommand.RUNNING_MARKER));
        Files.deleteIfExists(dir);
    }

    @Test
    void aBarePidMarkerNamingAnUnrelatedProcessIsRemovedWithoutWaitingOrSignalling() throws Exception {
        unrelated = new ProcessBuilder("sleep", "300").start();
        Files.writeString(dir.resolve(RemoteCommand.RUNNING_MARKER), unrelated.pid() + "\n");

        long took = awaitMarked(EarlierCommands.WAIT_SECONDS);

        assertThat(took).as("milliseconds the deployment waited").isLessThan(10_000);
        assertThat(unrelated.isAlive()).as("the unrelated sleep").isTrue();
        assertThat(dir.resolve(RemoteCommand.RUNNING_MARKER)).doesNotExist();
        assertThat(log).anyMatch(l -> l.contains("removed a stale .keelson-running"));
    }

    @Test
    void aMarkerWhosePidNowNamesAProcessStartedLaterIsStale() throws Exception {
        unrelated = new ProcessBuilder("sleep", "300").start();
        String bootId =
                Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        Files.writeString(dir.resolve(RemoteCommand.RUNNING_MARKER), unrelated.pid() + " 1 " + bootId + "\n");

        long took = awaitMarked(EarlierCommands.WAIT_SECONDS);

        assertThat(took).isLessThan(10_000);
        assertThat(unrelated.isAlive()).isTrue();
        assertThat(dir.resolve(RemoteCommand.RUNNING_MARKER)).doesNotExist();
    }

    @Test
    void aMarkerLeftByAKilledWrapperStopsTheCommandAndItsChildren() throws Exception {
        String tag = "keelson-earlier-" + UUID.randomUUID();
        RemoteCommand command = RemoteCommand.of(List.of("sh", "-c", "sleep 300 & wait", tag))
                .in(dir.toString())
                .asDetached();
        Path marker = dir.resolve(RemoteCommand.RUNNING_MARKER);
        try (SshHost first = connect()) {
            CompletableFuture<SshHost.Result> run = CompletableFuture.supplyAsync(() -> first.run(command, l -> {}));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker) && Files.size(marker) > 0);
            RemoteProcess process =
                    RemoteProcess.parse(Files.readString(marker)).orElseThrow();
            List<ProcessHandle> group =
                    ProcessHandle.of(process.pid()).orElseThrow().descendants().toList();
            assertThat(group).as("the command's child sleep").isNotEmpty();
            // The wrapper (the command's parent) killed as an OOM killer would: the marker stays.
            ProcessHandle wrapper =
                    ProcessHandle.of(process.pid()).orElseThrow().parent().orElseThrow();
            wrapper.children().filter(c -> c.pid() != process.pid()).forEach(ProcessHandle::destroyForcibly);
            wrapper.destroyForcibly();
            run.handle((r, e) -> null).get(20, TimeUnit.SECONDS);

            long took = awaitMarked(1);

            assertThat(took).isLessThan(15_000);
            // Killed, they may stay zombies a moment until whoever adopted them reaps them: no cmdline then.
            await().atMost(Duration.ofSeconds(5)).until(() -> !running(process.pid()));
            for (ProcessHandle child : group) {
                await().atMost(Duration.ofSeconds(5)).until(() -> !running(child.pid()));
            }
            assertThat(log).anyMatch(l -> l.contains("still runs here (pid " + process.pid() + ")"));
        }
    }

    private static boolean running(long pid) {
        try {
            return !Files.readString(Path.of("/proc/" + pid + "/cmdline")).isEmpty();
        } catch (IOException gone) {
            return false;
        }
    }

    private long awaitMarked(int waitSeconds) {
        try (SshHost host = connect()) {
            long start = System.nanoTime();
            EarlierCommands.awaitMarked(host, dir.toString(), waitSeconds, log::add);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    private static SshHost connect() {
        return SshHost.connect(
                TestEnv.SSH_HOST,
                TestEnv.SSH_PORT,
                "root",
                TestEnv.clientKey(),
                TestEnv.knownHosts(),
                Duration.ofSeconds(10));
    }
}
