package io.keelson.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real environment of scripts/test-env.sh: Docker engine, registry on 127.0.0.1:5000 and sshd
 * on 127.0.0.1:2222. A test that needs it fails (never skips) when it is missing.
 */
public final class TestEnv {

    public static final Path DIR =
            Path.of(System.getenv().getOrDefault("KEELSON_TEST_ENV_DIR", "/var/tmp/keelson-test-env"));
    public static final String SSH_HOST = "127.0.0.1";
    public static final int SSH_PORT = Integer.parseInt(System.getenv().getOrDefault("KEELSON_TEST_SSH_PORT", "2222"));
    public static final String REGISTRY = "127.0.0.1:5000";
    /** The second deploy host: same sshd, its own Docker engine, KEELSON_TEST_HOST=b in its sessions. */
    public static final String HOST_B = "127.0.0.2";

    public static final String HOST_B_DOCKER = "unix:///var/run/keelson-test-b/docker.sock";

    /**
     * Options for the Keelson JVMs the tests start (replicas, a killed process): the quick compiler
     * and the serial collector, as bin/keelson runs it, because a test JVM lives a minute and the
     * optimising compiler's work would only compete with the tests for the two cores. Classes are not
     * verified: this build's own bytecode, and verifying it was a fifth of a start's CPU (8.0 → 6.3 s
     * measured on an idle machine); a suite starts about 35 of these.
     */
    public static final List<String> QUICK_JVM = List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:-BytecodeVerificationRemote");

    private static volatile boolean checked;

    /**
     * A port nothing listens on, for a port a test publishes (through the edge or not). It is below
     * the kernel's range for outgoing connections (32768 and up), unlike what {@code new
     * ServerSocket(0)} gives: a port in that range can be taken as the local end of one of the
     * thousands of connections a load generator opens, between the pick and the edge's bind (seen:
     * HAProxy's "cannot bind socket (Address already in use)" in a full run).
     */
    public static int freePort() {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 500; i++) {
            int port = random.nextInt(24000, 32000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException inUse) {
                // taken: another
            }
        }
        throw new IllegalStateException("no free port in 24000-31999 on 127.0.0.1");
    }

    private TestEnv() {}

    public static Path clientKey() {
        return DIR.resolve("ssh/client_ed25519");
    }

    /** A client key protected by the passphrase in {@link #passphraseFile()}. */
    public static Path passphraseKey() {
        return DIR.resolve("ssh/client_pass_ed25519");
    }

    public static Path passphraseFile() {
        return DIR.resolve("ssh/passphrase");
    }

    /** The non-root deploy user: logs in with the password in {@link #deployPasswordFile()}, may run only docker through sudo. */
    public static final String DEPLOY_USER = "keelson-deploy";

    public static Path deployPasswordFile() {
        return DIR.resolve("ssh/deploy_password");
    }

    public static Path knownHosts() {
        return DIR.resolve("ssh/known_hosts");
    }

    /** A known_hosts file that pins a different key for the test host. */
    public static Path wrongKnownHosts() {
        return DIR.resolve("ssh/known_hosts_wrong");
    }

    /** Fails the calling test, saying what to run, unless dockerd, the registry and sshd all answer. */
    public static void require() {
        if (checked) {
            return;
        }
        String hint = " — run `sudo scripts/test-env.sh` (it installs and starts the test environment)";
        if (!Files.isReadable(clientKey()) || !Files.isReadable(knownHosts())) {
            fail("no SSH test keys under " + DIR + hint);
        }
        if (!listening(SSH_HOST, SSH_PORT)) {
            fail("sshd is not listening on " + SSH_HOST + ":" + SSH_PORT + hint);
        }
        if (!registryUp()) {
            fail("the registry does not answer on http://" + REGISTRY + "/v2/" + hint);
        }
        Shell.Result docker = Shell.run("docker", "info", "--format", "{{.ServerVersion}}");
        if (docker.exit() != 0) {
            fail("the Docker engine does not answer (" + docker.output().strip() + ")" + hint);
        }
        if (!secondHostUp()) {
            fail("the second test host (sshd on " + HOST_B + ", engine " + HOST_B_DOCKER + ") is not up" + hint);
        }
        checked = true;
    }

    /** Asked while no test restarts the second engine (a fault test does, under {@link EngineB#exclusive}). */
    private static boolean secondHostUp() {
        try (AutoCloseable quiet = EngineB.use()) {
            return listening(HOST_B, SSH_PORT)
                    && Shell.run("docker", "-H", HOST_B_DOCKER, "info").exit() == 0;
        } catch (Exception e) {
            throw new IllegalStateException("checking the second test host: " + e.getMessage(), e);
        }
    }

    private static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean registryUp() {
        try {
            HttpURLConnection c = (HttpURLConnection)
                    URI.create("http://" + REGISTRY + "/v2/").toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
