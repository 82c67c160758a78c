package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection given back in good order is lent to the next user of the same host and login, one
 * user at a time; a broken, busy or differently configured one never is. Against the real test sshd:
 * a connection is told by the pid of its sshd process on the host (the parent of every command it
 * runs). Each test has a known-hosts file of its own, so no other user in this JVM shares its key.
 */
class ConnectionReuseTest {

    /** The first sshd above the command: the process of its connection on the host. */
    private static final RemoteCommand SSHD_PID = RemoteCommand.of(
                    List.of(
                            "sh",
                            "-c",
                            "p=$$; while [ \"$(cat /proc/$p/comm)\" != sshd ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done; echo $p"))
            .asQuiet();

    private Path knownHosts;

    @BeforeEach
    void ownKnownHosts() throws Exception {
        TestEnv.require();
        knownHosts = Files.createTempFile("known-hosts", "");
        Files.writeString(knownHosts, Files.readString(TestEnv.knownHosts()) + "# note 1\n");
    }

    @Test
    void aConnectionGivenBackIsLentAgainAndNeverToTwoUsersAtOnce() {
        String first;
        try (SshHost a = connect()) {
            assertThat(a.reused()).isFalse();
            first = sshdPid(a);
        }
        try (SshHost b = connect()) {
            assertThat(b.reused()).isTrue();
            assertThat(sshdPid(b)).as("the same connection").isEqualTo(first);
            try (SshHost c = connect()) {
                assertThat(c.reused()).as("the kept one is lent already").isFalse();
                assertThat(sshdPid(c)).isNotEqualTo(first);
            }
        }
    }

    @Test
    void aKeptConnectionWhoseSshdDiedIsNotLentAndTheNextUserConnectsAfresh() {
        String first = usedAndGivenBack();
        Shell.run("kill", "-KILL", first).require();

        assertNextIsFresh(first);
    }

    @Test
    void aChangedKnownHostsFileOpensAFreshConnection() throws Exception {
        String first = usedAndGivenBack();
        // The same size and the same modification time (as cp -p or rsync -a could leave it): only the
        // contents tell the file changed.
        FileTime modified = Files.getLastModifiedTime(knownHosts);
        Files.writeString(knownHosts, Files.readString(knownHosts).replace("# note 1", "# note 2"));
        Files.setLastModifiedTime(knownHosts, modified);

        assertNextIsFresh(first); // its host key checked against the file as it is now
    }

    @Test
    void aConnectionACommandTimedOutOnIsClosedNotKept() {
        String first;
        try (SshHost a = connect()) {
            first = sshdPid(a);
            RemoteCommand slow =
                    RemoteCommand.of(List.of("sleep", "5")).asQuiet().withTimeout(Duration.ofSeconds(1));
            assertThatThrownBy(() -> a.run(slow, line -> {})).isInstanceOf(SshFailure.class);
        }
        assertNextIsFresh(first);
    }

    @Test
    void aConnectionGivenBackWithASessionStillOpenIsClosedNotKept() {
        String first;
        SshHost.Stream open;
        try (SshHost a = connect()) {
            first = sshdPid(a);
            open = a.openStream(RemoteCommand.of(List.of("cat")));
        }
        try {
            assertNextIsFresh(first);
        } finally {
            open.close();
        }
    }

    @Test
    void aDiscardedConnectionIsNeverLent() {
        String first;
        SshHost a = connect();
        first = sshdPid(a);
        a.discard();
        a.close();

        assertNextIsFresh(first);
    }

    /** A connection opened, used and given back; the pid of its sshd. */
    private String usedAndGivenBack() {
        try (SshHost used = connect()) {
            return sshdPid(used);
        }
    }

    /** The next connection is a new one, not the one whose sshd was {@code earlier}. */
    private void assertNextIsFresh(String earlier) {
        try (SshHost next = connect()) {
            assertThat(next.reused()).isFalse();
            assertThat(sshdPid(next)).isNotEqualTo(earlier);
        }
    }

    private SshHost connect() {
        return SshHost.connect(
                TestEnv.SSH_HOST, TestEnv.SSH_PORT, "root", TestEnv.clientKey(), knownHosts, Duration.ofSeconds(10));
    }

    private static String sshdPid(SshHost host) {
        SshHost.Result result = host.run(SSHD_PID, line -> {});
        assertThat(result.ok()).as(result.stderr().toString()).isTrue();
        return result.stdout().strip();
    }
}
