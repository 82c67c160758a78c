package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A marker names one process: its pid, start time and boot id, as the host's shell prints them. */
class RemoteProcessTest {

    @Test
    void aMarkerWithPidStartTimeAndBootIdIsParsed() {
        assertThat(RemoteProcess.parse("4242 987654 0b5e1c2d-aaaa-4bbb-8ccc-123456789abc\n"))
                .contains(new RemoteProcess(4242, 987654, "0b5e1c2d-aaaa-4bbb-8ccc-123456789abc"));
    }

    @Test
    void aBarePidOrAnythingElseNamesNoProcess() {
        assertThat(RemoteProcess.parse("4242")).isEmpty();
        assertThat(RemoteProcess.parse("4242 ")).isEmpty();
        assertThat(RemoteProcess.parse("")).isEmpty();
        assertThat(RemoteProcess.parse("4242 1 boot; rm -rf /")).isEmpty();
        assertThat(RemoteProcess.parse("99999999999 1 abc")).isEmpty();
    }

    @Test
    void theShellFunctionPrintsWhatJavaReadsBack() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            String printed = Shell.run(
                            "sh",
                            "-c",
                            RemoteProcess.IDENTITY_FUNCTION + "ident \"$1\"",
                            "sh",
                            Long.toString(sleep.pid()))
                    .output()
                    .strip();
            Optional<RemoteProcess> process = RemoteProcess.parse(printed);

            assertThat(process).isPresent();
            assertThat(process.get().pid()).isEqualTo(sleep.pid());
            assertThat(process.get().bootId())
                    .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id"))
                            .strip());
            String stat = Files.readString(Path.of("/proc/" + sleep.pid() + "/stat"));
            assertThat(process.get().startTime())
                    .isEqualTo(Long.parseLong(
                            stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[19]));
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void theShellFunctionFailsForAPidThatIsGone() {
        Shell.Result result = Shell.run("sh", "-c", RemoteProcess.IDENTITY_FUNCTION + "ident 999999999", "sh");
        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).isBlank();
    }
}
