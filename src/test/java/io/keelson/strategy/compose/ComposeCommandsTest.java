package io.keelson.strategy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.catalog.ComposeSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.ShellQuote;
import io.keelson.support.Shell;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact shell text of every command the ssh-compose strategy sends. */
class ComposeCommandsTest {

    private final ComposeCommands commands = new ComposeCommands(
            new ComposeSpec("/srv/my app", "rouana", List.of("docker-compose.yml", "prod.yml"), List.of("bot"), null));

    @Test
    void upRecreatesOneServiceWithoutItsDependenciesAndWithThePins() {
        assertThat(commands.up("bot", false).shellText())
                .isEqualTo(
                        "cd '/srv/my app' && docker-compose -p rouana -f docker-compose.yml -f prod.yml -f keelson.override.yml up -d --no-deps bot");
        assertThat(commands.up("bot", true).shellText()).endsWith("up -d --no-deps --force-recreate bot");
    }

    @Test
    void pinAndUpWritesTheOverrideThenRecreatesInOneExec() {
        RemoteCommand command = commands.pinAndUp("services: {}\n", "bot", false);
        assertThat(command.shellText())
                .isEqualTo(
                        "cd '/srv/my app' && sh -c " + ShellQuote.quote(RemoteCommand.DETACH_SCRIPT) + " sh"
                                + " sh -c 'cat > \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\" && shift && exec \"$@\"'"
                                + " sh '/srv/my app/keelson.override.yml'"
                                + " docker-compose -p rouana -f docker-compose.yml -f prod.yml -f keelson.override.yml up -d --no-deps bot");
        assertThat(command.stdin()).isEqualTo("services: {}\n");
        assertThat(command.detached()).isTrue();
    }

    @Test
    void aDetachedCommandRunsApartFromTheSessionAndReportsItsPid() {
        Shell.Result result = Shell.runWithStdin(
                "hello\n",
                "sh",
                "-c",
                RemoteCommand.of(List.of("sh", "-c", "cat; echo err >&2; exit 3"))
                        .asDetached()
                        .shellText());

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.output()).contains("hello", "err").containsPattern(RemoteCommand.PID_MARK + "[0-9]+");
    }

    @Test
    void configReadsOnlyTheUsersFiles() {
        assertThat(commands.config().shellText())
                .isEqualTo("cd '/srv/my app' && docker-compose -p rouana -f docker-compose.yml -f prod.yml config");
    }

    @Test
    void theComposeV2CommandIsTwoWords() {
        ComposeCommands v2 =
                new ComposeCommands(new ComposeSpec("/srv/app", null, null, List.of("bot"), "docker compose"));
        assertThat(v2.up("bot", false).shellText())
                .isEqualTo(
                        "cd /srv/app && docker compose -f docker-compose.yml -f keelson.override.yml up -d --no-deps bot");
        assertThat(v2.projectName()).isEqualTo("app");
    }

    @Test
    void loginSendsThePasswordOnStdinOnly() {
        RemoteCommand login = commands.login("registry.gitlab.com", "gitlab-ci-token", "s3cret");
        assertThat(login.shellText())
                .isEqualTo("docker login --username gitlab-ci-token --password-stdin registry.gitlab.com");
        assertThat(login.shellText()).doesNotContain("s3cret");
        assertThat(login.stdin()).isEqualTo("s3cret\n");
    }

    @Test
    void pullAndInspectTakeTheReferenceAsOneArgument() {
        assertThat(commands.pull(ImageRef.parse("registry.example.com/lappis/bot:3f2a9c1"))
                        .shellText())
                .isEqualTo("docker pull registry.example.com/lappis/bot:3f2a9c1");
        assertThat(commands.repoDigests("sha256:abc").shellText())
                .isEqualTo("docker image inspect --format '{{json .RepoDigests}}' sha256:abc");
    }

    @Test
    void withSudoDockerAndComposeRunThroughSudoWithoutAPrompt() {
        ComposeCommands sudo = new ComposeCommands(new ComposeSpec("/srv/app", null, null, List.of("bot"), null), true);
        assertThat(sudo.up("bot", false).shellText())
                .isEqualTo(
                        "cd /srv/app && sudo -n docker-compose -f docker-compose.yml -f keelson.override.yml up -d --no-deps bot");
        assertThat(sudo.pull(ImageRef.parse("registry.example.com/lappis/bot:1"))
                        .shellText())
                .isEqualTo("sudo -n docker pull registry.example.com/lappis/bot:1");
        assertThat(sudo.containerIds("bot").shellText()).startsWith("sudo -n docker ps ");
        assertThat(sudo.readOverride().shellText()).doesNotContain("sudo");
    }

    @Test
    void containersAreFoundByComposeLabels() {
        assertThat(commands.containerIds("bot").shellText())
                .isEqualTo(
                        "docker ps -a -q --no-trunc --filter label=com.docker.compose.project=rouana"
                                + " --filter label=com.docker.compose.service=bot --filter label=com.docker.compose.oneoff=False");
    }

    @Test
    void theOverrideIsReplacedAtomically() {
        RemoteCommand write = commands.writeOverride("services: {}\n");
        assertThat(write.shellText())
                .isEqualTo("sh -c 'cat > \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\"' sh '/srv/my app/keelson.override.yml'");
        assertThat(write.stdin()).isEqualTo("services: {}\n");
    }
}
