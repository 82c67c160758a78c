package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A command's output is held within bounds while it is read. */
class CommandOutputTest {

    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aLongErrorLineIsCutForTheLog() throws Exception {
        SshHost.Result result = read(RemoteCommand.of(List.of("x")), "", "e".repeat(10_000) + "\n");

        assertThat(logged).singleElement().asString().hasSize(CommandOutput.MAX_LINE);
        assertThat(result.lastError()).hasSize(CommandOutput.MAX_LINE).endsWith("…");
    }

    @Test
    void onlyTheLastErrorLinesAreKept() throws Exception {
        StringBuilder err = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            err.append("line ").append(i).append('\n');
        }

        SshHost.Result result = read(RemoteCommand.of(List.of("x")), "", err.toString());

        assertThat(result.stderr()).hasSize(CommandOutput.STDERR_LINES);
        assertThat(result.lastError()).isEqualTo("line 9999");
    }

    @Test
    void aQuietCommandKeepsLongDataLinesWhole() throws Exception {
        String json = "[" + "{\"Id\":\"abc\"},".repeat(2000) + "{}]";

        SshHost.Result result =
                read(RemoteCommand.of(List.of("docker", "inspect")).asQuiet(), json + "\n", "");

        assertThat(result.stdout()).isEqualTo(json + "\n");
        assertThat(logged).isEmpty();
    }

    @Test
    void aQuietCommandWhoseDataPassesTheCapFailsClearly() {
        String line = "z".repeat(1000) + "\n";
        String huge = line.repeat(CommandOutput.MAX_STDOUT / line.length() + 10);

        assertThatThrownBy(() -> read(
                        RemoteCommand.of(List.of("docker", "compose", "config")).asQuiet(), huge, ""))
                .isInstanceOf(SshFailure.class)
                .hasMessageContaining("docker compose config")
                .hasMessageContaining("4 MiB");
    }

    private SshHost.Result read(RemoteCommand command, String stdout, String stderr) throws Exception {
        CommandOutput output = new CommandOutput(command, logged::add, process -> {});
        output.start(stream(stdout), stream(stderr));
        output.join();
        return output.result(0, "host");
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
