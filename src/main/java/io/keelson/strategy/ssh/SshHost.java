package io.keelson.strategy.ssh;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.userauth.UserAuthException;

/**
 * One authenticated SSH connection to a deploy host (sshj). The host key is always checked against
 * the target's known_hosts file; there is no way to turn that off. All sshj types stay in here.
 */
public final class SshHost implements AutoCloseable {

    /** What a command left behind: its exit status (null when it died of a signal) and its output. */
    public record Result(Integer exitCode, String stdout, List<String> stderr) {
        public boolean ok() {
            return exitCode != null && exitCode == 0;
        }

        public String lastError() {
            return stderr.isEmpty() ? "" : stderr.get(stderr.size() - 1);
        }
    }

    /** sshd allows 10 sessions per connection by default; stay under it, whatever the number of services. */
    private static final int MAX_SESSIONS = 6;

    private final SSHClient client;
    private final String label;
    private final Semaphore sessions = new Semaphore(MAX_SESSIONS);
    private volatile Long runningPid;

    private SshHost(SSHClient client, String label) {
        this.client = client;
        this.label = label;
    }

    /** Connects and authenticates with the private key, or fails saying which step and why. */
    public static SshHost connect(String host, int port, String user, Path privateKey, Path knownHosts, Duration timeout) {
        String label = port == 22 ? host : host + ":" + port;
        if (!Files.isReadable(knownHosts)) {
            throw new SshFailure("knownHostsFile " + knownHosts + " cannot be read: host keys must be verifiable, nothing was run on " + label);
        }
        if (!Files.isReadable(privateKey)) {
            throw new SshFailure("privateKeyFile " + privateKey + " cannot be read, nothing was run on " + label);
        }
        SSHClient client = new SSHClient();
        KnownHostsCheck check;
        try {
            check = new KnownHostsCheck(knownHosts.toFile());
        } catch (IOException e) {
            throw new SshFailure("knownHostsFile " + knownHosts + " does not parse: " + e.getMessage());
        }
        client.addHostKeyVerifier(check);
        client.setConnectTimeout((int) timeout.toMillis());
        client.setTimeout((int) timeout.toMillis());
        try {
            client.connect(host, port);
        } catch (TransportException e) {
            close(client);
            if (check.problem != null) {
                throw new SshFailure(check.problem + " (knownHostsFile " + knownHosts + "); nothing was run on " + label
                        + ". If the host was really re-keyed, update that file.");
            }
            throw new SshFailure("cannot connect to " + label + ": " + e.getMessage(), e);
        } catch (IOException e) {
            close(client);
            throw new SshFailure("cannot connect to " + label + ": " + e.getMessage(), e);
        }
        try {
            client.authPublickey(user, client.loadKeys(privateKey.toString()));
        } catch (UserAuthException e) {
            close(client);
            throw new SshFailure("host " + label + " refused key " + privateKey + " for user " + user
                    + " (is the public key in that user's authorized_keys, and is the key without passphrase?)", e);
        } catch (IOException e) {
            close(client);
            throw new SshFailure("cannot authenticate to " + label + " as " + user + ": " + e.getMessage(), e);
        }
        client.getConnection().getKeepAlive().setKeepAliveInterval(15);
        return new SshHost(client, label);
    }

    /** Whether something accepts TCP connections on the host's SSH port within {@code timeout}; empty when it does. */
    public static Optional<String> unreachable(String host, int port, Duration timeout) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), (int) timeout.toMillis());
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot connect to " + host + ":" + port + ": " + e.getMessage());
        }
    }

    public String label() {
        return label;
    }

    /**
     * Runs one command, sending each output line to {@code lines} as it arrives (stdout too unless
     * the command is quiet). docker-compose writes its progress to stderr, so both streams are read
     * at once on their own threads. A command that outlives its timeout is stopped on the host, not
     * only abandoned, so it cannot race whatever Keelson does next.
     */
    public Result run(RemoteCommand command, Consumer<String> lines) {
        acquireSession();
        try (Session session = client.startSession()) {
            Session.Command cmd = session.exec(command.shellText());
            StringBuilder stdout = new StringBuilder();
            List<String> stderr = Collections.synchronizedList(new ArrayList<>());
            Thread out = pump(cmd.getInputStream(), line -> {
                synchronized (stdout) {
                    stdout.append(line).append('\n');
                }
                if (command.detached()) {
                    stderr.add(line);   // a detached command's output, both streams, comes through here
                }
                if (!command.quiet()) {
                    lines.accept(line);
                }
            });
            Thread err = pump(cmd.getErrorStream(), line -> {
                if (command.detached() && line.startsWith(RemoteCommand.PID_MARK)) {
                    runningPid = parsePid(line);
                    return;
                }
                stderr.add(line);
                lines.accept(line);
            });
            writeStdin(cmd.getOutputStream(), command.stdin());
            if (!ended(cmd, command.timeout())) {
                stopDetached(lines);   // first, so its output ends and the channel can close
                cmd.close();
                throw new SshFailure("command timed out after " + command.timeout().toSeconds() + "s on " + label + ": " + command.shellText());
            }
            out.join(5000);
            err.join(5000);
            if (command.detached() && cmd.getExitStatus() != null) {
                runningPid = null;
            }
            synchronized (stdout) {
                return new Result(cmd.getExitStatus(), stdout.toString(), List.copyOf(stderr));
            }
        } catch (IOException e) {
            throw new SshFailure("command failed on " + label + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure("interrupted while running a command on " + label, e);
        } finally {
            sessions.release();
        }
    }

    /**
     * The pid of a detached command this connection started and did not see end (the connection
     * dropped, or it timed out): it may still be running on the host.
     */
    public Optional<Long> unfinishedCommand() {
        return Optional.ofNullable(runningPid);
    }

    /** Waits for the command's end; false when the timeout came first (sshj signals that by throwing). */
    private static boolean ended(Session.Command cmd, Duration timeout) throws ConnectionException {
        try {
            cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ConnectionException e) {
            if (!cmd.isOpen()) {
                throw e;
            }
        }
        return !cmd.isOpen();
    }

    private void stopDetached(Consumer<String> lines) {
        Long pid = runningPid;
        if (pid == null) {
            return;
        }
        lines.accept("stopping the timed-out command (pid " + pid + ") on " + label);
        try (Session session = client.startSession()) {
            Session.Command kill = session.exec(RemoteCommand.stop(pid, 0).shellText());
            kill.join(40, TimeUnit.SECONDS);
            runningPid = null;
        } catch (IOException e) {
            lines.accept("could not stop pid " + pid + " on " + label + ": " + e.getMessage());
        }
    }

    private void acquireSession() {
        try {
            sessions.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure("interrupted while waiting for an SSH channel to " + label, e);
        }
    }

    private static Long parsePid(String line) {
        try {
            return Long.parseLong(line.substring(RemoteCommand.PID_MARK.length()).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        close(client);
    }

    private static void writeStdin(OutputStream stdin, String input) throws IOException {
        try (stdin) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        }
    }

    private static Thread pump(InputStream stream, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // The channel closed under us; the exit status tells what happened.
            }
        }, "ssh-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void close(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException ignored) {
            // Nothing left to do with a connection that will not close cleanly.
        }
    }

    /** Remembers why a host key was refused, so the message says "changed" or "unknown". */
    private static final class KnownHostsCheck extends OpenSSHKnownHosts {
        private String problem;

        KnownHostsCheck(File file) throws IOException {
            super(file);
        }

        @Override
        protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
            problem = "host " + hostname + " is not in the known hosts (its " + key.getAlgorithm() + " key "
                    + SecurityUtils.getFingerprint(key) + " is unknown)";
            return false;
        }

        @Override
        protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
            problem = "HOST KEY MISMATCH for " + hostname + ": it presented " + key.getAlgorithm() + " key "
                    + SecurityUtils.getFingerprint(key) + ", which is not the one in the known hosts";
            return false;
        }
    }
}
