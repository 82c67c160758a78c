package io.keelson.strategy.ssh;

import io.keelson.catalog.SshSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * One authenticated SSH connection to a deploy host (sshj). The host key is always checked against
 * the target's known_hosts file; there is no way to turn that off. No sshj type leaves this package.
 * Closing it gives a connection in good order back to {@link IdleConnections}, for the next user
 * of the same host and login; one that failed, or left a command running, is closed.
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
    private final IdleConnections.Key key;
    private final long openedAt;
    private final boolean reused;
    private final Semaphore sessions = new Semaphore(MAX_SESSIONS);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RemoteProcess running;
    private volatile boolean failed;

    private SshHost(IdleConnections.Kept kept, String label, IdleConnections.Key key, boolean reused) {
        this.client = kept.client();
        this.openedAt = kept.openedAt();
        this.label = label;
        this.key = key;
        this.reused = reused;
    }

    /** Connects and authenticates with the private key, or fails saying which step and why. */
    public static SshHost connect(
            String host, int port, String user, Path privateKey, Path knownHosts, Duration timeout) {
        return open(host, port, SshLogin.key(user, privateKey, null), knownHosts, timeout, true);
    }

    /** Connects to one host of a target as its {@code ssh} block says: key (with its passphrase) or password. */
    public static SshHost connect(String host, SshSpec ssh, Duration timeout) {
        return open(host, ssh.effectivePort(), SshLogin.of(ssh), Path.of(ssh.knownHostsFile()), timeout, true);
    }

    /** {@link #connect(String, SshSpec, Duration)} with a new connection, for a user that distrusts the kept ones. */
    public static SshHost connectAfresh(String host, SshSpec ssh, Duration timeout) {
        return open(host, ssh.effectivePort(), SshLogin.of(ssh), Path.of(ssh.knownHostsFile()), timeout, false);
    }

    private static SshHost open(
            String host, int port, SshLogin login, Path knownHosts, Duration timeout, boolean mayReuse) {
        String label = port == 22 ? host : host + ":" + port;
        IdleConnections.Key key = IdleConnections.Key.of(host, port, login, knownHosts);
        Optional<IdleConnections.Kept> kept = mayReuse ? IdleConnections.SHARED.take(key) : Optional.empty();
        if (kept.isPresent()) {
            return new SshHost(kept.get(), label, key, true);
        }
        SSHClient client = login.connect(host, port, label, knownHosts, timeout);
        return new SshHost(new IdleConnections.Kept(client, System.nanoTime()), label, key, false);
    }

    /**
     * How long a connection given back is kept for the next user (a start-up setting,
     * {@code keelson.ssh.keep-idle}); zero closes each one at once.
     */
    public static void keepIdleFor(Duration keep) {
        IdleConnections.SHARED.keepFor(keep);
    }

    /** Whether this is a connection an earlier user gave back (its host key was checked when it was opened). */
    public boolean reused() {
        return reused;
    }

    /** What a log line says about how this connection came to be. */
    public String howConnected() {
        return reused ? "host key verified (an open connection, reused)" : "host key verified";
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
            CommandOutput output = new CommandOutput(command, lines, process -> running = process);
            output.start(cmd.getInputStream(), cmd.getErrorStream());
            writeStdin(cmd.getOutputStream(), command.stdin());
            if (!ended(cmd, command.timeout())) {
                failed = true;
                stopDetached(lines); // first, so its output ends and the channel can close
                cmd.close();
                throw new SshFailure("command timed out after "
                        + command.timeout().toSeconds() + "s on " + label + ": " + command.shellText());
            }
            output.join();
            if (command.detached() && cmd.getExitStatus() != null) {
                running = null;
            }
            return output.result(cmd.getExitStatus(), label);
        } catch (IOException | IllegalStateException e) { // sshj: IllegalStateException when not connected
            failed = true;
            throw new SshFailure("command failed on " + label + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            failed = true;
            Thread.currentThread().interrupt();
            throw new SshFailure("interrupted while running a command on " + label, e);
        } finally {
            sessions.release();
        }
    }

    /**
     * A detached command this connection started and did not see end (the connection dropped, or it
     * timed out): it may still be running on the host.
     */
    public Optional<RemoteProcess> unfinishedCommand() {
        return Optional.ofNullable(running);
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
        RemoteProcess process = running;
        if (process == null) {
            return;
        }
        lines.accept("stopping the timed-out command (pid " + process.pid() + ") on " + label);
        try (Session session = client.startSession()) {
            Session.Command kill = session.exec(process.stop(0).shellText());
            kill.join(40, TimeUnit.SECONDS);
            running = null;
        } catch (IOException e) {
            lines.accept("could not stop pid " + process.pid() + " on " + label + ": " + e.getMessage());
        }
    }

    /** A remote command's stdin and stdout as raw byte streams; closing it ends the command's session. */
    public interface Stream extends AutoCloseable {
        InputStream in();

        OutputStream out();

        @Override
        void close();
    }

    /**
     * Starts a command whose stdin and stdout carry a protocol rather than text (the Docker engine's,
     * through {@code docker system dial-stdio}). It holds one of the connection's sessions until closed.
     */
    public Stream openStream(RemoteCommand command) {
        acquireSession();
        try {
            Session session = client.startSession();
            Session.Command cmd = session.exec(command.shellText());
            return new Stream() {
                private boolean closed;

                @Override
                public InputStream in() {
                    return cmd.getInputStream();
                }

                @Override
                public OutputStream out() {
                    return cmd.getOutputStream();
                }

                @Override
                public synchronized void close() {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        session.close();
                    } catch (IOException e) {
                        failed = true; // a channel that did not close cleanly: the connection is not lent again
                    } finally {
                        sessions.release();
                    }
                }
            };
        } catch (IOException | IllegalStateException e) { // sshj: IllegalStateException when not connected
            failed = true;
            sessions.release();
            throw new SshFailure("cannot start " + command.shellText() + " on " + label + ": " + e.getMessage(), e);
        }
    }

    /**
     * A session permit, refused once the connection is closed: a late user (an engine tunnel's
     * connection that was still starting) must not open a session on a connection already lent to
     * someone else. Acquiring before looking at {@code closed}, while {@link #close} sets it before
     * counting the permits, means one of the two always sees the other.
     */
    private void acquireSession() {
        try {
            sessions.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure("interrupted while waiting for an SSH channel to " + label, e);
        }
        if (closed.get()) {
            sessions.release();
            throw new SshFailure("the connection to " + label + " is closed");
        }
    }

    /**
     * Gives the connection back for the next user of this host and login when it is in good order:
     * nothing failed on it, no command it started is unaccounted for, every session it opened is
     * closed. Otherwise it is closed. A second call does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean inOrder = !failed
                && running == null
                && sessions.availablePermits() == MAX_SESSIONS
                && client.isConnected()
                && client.isAuthenticated();
        if (inOrder) {
            IdleConnections.SHARED.give(key, new IdleConnections.Kept(client, openedAt));
        } else {
            close(client);
        }
    }

    /** Closes the connection, never giving it back: for a user that no longer trusts it. */
    public void discard() {
        if (closed.compareAndSet(false, true)) {
            close(client);
        }
    }

    private static void writeStdin(OutputStream stdin, String input) throws IOException {
        try (stdin) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        }
    }

    static void close(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException ignored) {
            // Nothing left to do with a connection that will not close cleanly.
        }
    }
}
