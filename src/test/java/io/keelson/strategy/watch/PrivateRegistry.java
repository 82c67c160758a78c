package io.keelson.strategy.watch;

import io.keelson.support.Shell;
import io.keelson.support.TestEnv;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A second distribution registry for one test, on its own loopback port, optionally behind htpasswd. */
final class PrivateRegistry implements AutoCloseable {

    private final int port;
    private final Process process;
    private final String user;
    private final String password;

    private PrivateRegistry(int port, Process process, String user, String password) {
        this.port = port;
        this.process = process;
        this.user = user;
        this.password = password;
    }

    static PrivateRegistry start(int port, String user, String password) throws IOException, InterruptedException {
        return start(port, user, password, null);
    }

    /** With a token realm, the registry takes bearer tokens from that token service instead of htpasswd. */
    static PrivateRegistry start(int port, String user, String password, String tokenRealm)
            throws IOException, InterruptedException {
        Path dir = TestEnv.DIR.resolve("registry-" + port);
        Shell.run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        StringBuilder config = new StringBuilder("""
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: %s/data
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir, port));
        if (tokenRealm != null) {
            config.append("""
                    auth:
                      token:
                        realm: %s
                        service: %s
                        issuer: %s
                        rootcertbundle: %s
                    """.formatted(
                            tokenRealm, TokenServer.SERVICE, TokenServer.SERVICE, TestEnv.DIR.resolve("token.crt")));
        } else if (user != null) {
            Files.writeString(
                    dir.resolve("htpasswd"),
                    Shell.run("htpasswd", "-Bbn", user, password).require().strip() + "\n");
            config.append("""
                    auth:
                      htpasswd:
                        realm: keelson-test
                        path: %s/htpasswd
                    """.formatted(dir));
        }
        Files.writeString(dir.resolve("config.yml"), config);
        return launch(port, dir, user, password);
    }

    /** Starts again on the storage an earlier {@link #start} left, as a registry coming back would. */
    static PrivateRegistry reopen(int port) throws IOException, InterruptedException {
        return launch(port, TestEnv.DIR.resolve("registry-" + port), null, null);
    }

    private static PrivateRegistry launch(int port, Path dir, String user, String password)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        for (int i = 0; i < 100 && !listening(port); i++) {
            Thread.sleep(100);
        }
        if (!listening(port)) {
            p.destroyForcibly();
            throw new IllegalStateException(
                    "test registry on port " + port + " did not start; see " + dir.resolve("registry.log"));
        }
        return new PrivateRegistry(port, p, user, password);
    }

    void login() {
        ProcessBuilder pb = new ProcessBuilder(
                "/usr/bin/docker", "login", "--username", user, "--password-stdin", "127.0.0.1:" + port);
        try {
            Process p = pb.redirectErrorStream(true).start();
            p.getOutputStream().write(password.getBytes());
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("docker login failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void logout() {
        Shell.run("docker", "logout", "127.0.0.1:" + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
        for (int i = 0; i < 50 && listening(port); i++) {
            Thread.sleep(100);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
