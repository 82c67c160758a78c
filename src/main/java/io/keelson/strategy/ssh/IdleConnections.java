package io.keelson.strategy.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.schmizz.concurrent.Promise;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.ConnectionException;

/**
 * SSH connections given back in good order, kept a short while for the next user of the same host
 * with the same login: the handshake (about 150 ms here, more across a WAN) is then paid once for
 * the steps of a deployment, the checks around it and the deployment after it, not by each. A
 * connection is lent to one user at a time, as a fresh one would be.
 *
 * <p>A connection is only kept under exactly what opened it: the host and port, the login (user, key
 * file, passphrase or password as read at that moment) and the known-hosts file as it was (its
 * modification time and size). Change any of them and the next user connects afresh, its host key
 * checked against the file as it is now. Before a kept connection is lent, the host must answer a
 * keep-alive within a second; one that does not is closed.
 */
final class IdleConnections {

    /** The host, the login and the files as they were when the connection was opened. */
    record Key(String host, int port, SshLogin login, Path knownHosts, String knownHostsStamp, String keyStamp) {

        static Key of(String host, int port, SshLogin login, Path knownHosts) {
            return new Key(host, port, login, knownHosts, stamp(knownHosts), stamp(login.privateKey()));
        }

        private static String stamp(Path file) {
            if (file == null) {
                return "";
            }
            try {
                return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
            } catch (IOException e) {
                return "unreadable"; // the connect that follows says what is wrong with it
            }
        }

        @Override
        public String toString() {
            return login + "@" + host + ":" + port;
        }
    }

    private record Idle(SSHClient client, long since) {}

    static final IdleConnections SHARED = new IdleConnections();

    /** More idle connections than this to one host are not worth their sshd processes there. */
    private static final int PER_KEY = 4;

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private final Map<Key, Deque<Idle>> idle = new HashMap<>();
    private final ScheduledThreadPoolExecutor closer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "ssh-idle-closer");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration keep = Duration.ofSeconds(30);

    private IdleConnections() {
        closer.setRemoveOnCancelPolicy(true);
    }

    /** How long a connection given back is kept; zero closes each one when its user is done. */
    void keepFor(Duration keep) {
        this.keep = keep;
        if (keep.isZero()) {
            closeAll();
        }
    }

    /** A kept connection for {@code key} that still answers, or empty. */
    Optional<SSHClient> take(Key key) {
        while (true) {
            Idle candidate;
            synchronized (this) {
                Deque<Idle> kept = idle.get(key);
                candidate = kept == null ? null : kept.pollFirst();
                if (kept != null && kept.isEmpty()) {
                    idle.remove(key);
                }
            }
            if (candidate == null) {
                return Optional.empty();
            }
            if (System.nanoTime() - candidate.since() < keep.toNanos() && answers(candidate.client())) {
                return Optional.of(candidate.client());
            }
            SshHost.close(candidate.client());
        }
    }

    /** Keeps {@code client} for the next user of {@code key}, or closes it when none are kept. */
    void give(Key key, SSHClient client) {
        Duration kept = keep;
        if (kept.isZero()) {
            SshHost.close(client);
            return;
        }
        Idle entry = new Idle(client, System.nanoTime());
        Idle surplus;
        synchronized (this) {
            Deque<Idle> same = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            same.addFirst(entry);
            surplus = same.size() > PER_KEY ? same.pollLast() : null;
        }
        if (surplus != null) {
            SshHost.close(surplus.client());
        }
        closer.schedule(() -> closeIfStillIdle(key, entry), kept.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeIfStillIdle(Key key, Idle entry) {
        boolean removed;
        synchronized (this) {
            Deque<Idle> same = idle.get(key);
            removed = same != null && same.remove(entry);
            if (same != null && same.isEmpty()) {
                idle.remove(key);
            }
        }
        if (removed) {
            SshHost.close(entry.client());
        }
    }

    private void closeAll() {
        Map<Key, Deque<Idle>> all;
        synchronized (this) {
            all = new HashMap<>(idle);
            idle.clear();
        }
        all.values().forEach(same -> same.forEach(e -> SshHost.close(e.client())));
    }

    /**
     * Whether the host answers a keep-alive within {@link #ANSWER_WITHIN}: OpenSSH refuses the request
     * it does not know, and a refusal is an answer too. A connection whose peer is gone (a host
     * rebooted, a paused Keelson's connection dropped by sshd) does not answer.
     */
    private static boolean answers(SSHClient client) {
        if (!client.isConnected() || !client.isAuthenticated()) {
            return false;
        }
        try {
            Promise<SSHPacket, ConnectionException> reply =
                    client.getConnection().sendGlobalRequest("keepalive@openssh.com", true, new byte[0]);
            try {
                // null: no answer in time
                return reply.tryRetrieve(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS) != null
                        && client.isConnected();
            } catch (ConnectionException refusedOrLost) {
                return client.isConnected(); // refused is an answer; a lost connection is not connected any more
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
