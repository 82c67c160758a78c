package io.keelson.strategy.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
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
 * file, passphrase or password as read at that moment) and the contents of the known-hosts and key
 * files (their SHA-256). Change any of them and the next user connects afresh, its host key checked
 * against the file as it is now. Before a kept connection is lent, the host must answer a keep-alive
 * within a second; one that does not is closed. No connection is lent once it is {@link #MAX_AGE}
 * old, however busy: what is fixed at login (the user's groups, a revoked key, sshd's settings, the
 * address the host name resolves to) then takes effect within that time.
 */
final class IdleConnections {

    /** The host, the login and the files' contents as they were when the connection was opened. */
    record Key(String host, int port, SshLogin login, Path knownHosts, String knownHostsSha256, String keySha256) {

        static Key of(String host, int port, SshLogin login, Path knownHosts) {
            return new Key(host, port, login, knownHosts, sha256(knownHosts), sha256(login.privateKey()));
        }

        /** The files are a few kilobytes: hashing them costs less than one round trip to a host. */
        private static String sha256(Path file) {
            if (file == null) {
                return "";
            }
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            } catch (IOException | NoSuchAlgorithmException e) {
                return "unreadable"; // the connect that follows says what is wrong with it
            }
        }

        @Override
        public String toString() {
            return login + "@" + host + ":" + port;
        }
    }

    /** A connection and when it was opened ({@link System#nanoTime}). */
    record Kept(SSHClient client, long openedAt) {}

    private record Idle(Kept kept, long since) {}

    static final IdleConnections SHARED = new IdleConnections();

    static final Duration MAX_AGE = Duration.ofMinutes(5);

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
    Optional<Kept> take(Key key) {
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
            long now = System.nanoTime();
            if (now - candidate.since() < keep.toNanos()
                    && young(candidate.kept(), now)
                    && answers(candidate.kept().client())) {
                return Optional.of(candidate.kept());
            }
            SshHost.close(candidate.kept().client());
        }
    }

    /** Keeps {@code given} for the next user of {@code key}; closes it when none are kept, or it is too old. */
    void give(Key key, Kept given) {
        Duration kept = keep;
        if (kept.isZero() || !young(given, System.nanoTime())) {
            SshHost.close(given.client());
            return;
        }
        Idle entry = new Idle(given, System.nanoTime());
        Idle surplus;
        synchronized (this) {
            Deque<Idle> same = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            same.addFirst(entry);
            surplus = same.size() > PER_KEY ? same.pollLast() : null;
        }
        if (surplus != null) {
            SshHost.close(surplus.kept().client());
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
            SshHost.close(entry.kept().client());
        }
    }

    private void closeAll() {
        Map<Key, Deque<Idle>> all;
        synchronized (this) {
            all = new HashMap<>(idle);
            idle.clear();
        }
        all.values().forEach(same -> same.forEach(e -> SshHost.close(e.kept().client())));
    }

    private static boolean young(Kept kept, long now) {
        return now - kept.openedAt() < MAX_AGE.toNanos();
    }

    /**
     * Whether the host answers a keep-alive within {@link #ANSWER_WITHIN}: OpenSSH refuses the request
     * it does not know, and a refusal is an answer too. A connection whose peer is gone (a host
     * rebooted, a paused Keelson's connection dropped by sshd) does not answer: its request fails
     * with the transport's error as the cause, where a refusal has none ({@code isConnected} alone
     * would not do: sshj still says connected while it hands that error out).
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
                return refusedOrLost.getCause() == null && client.isConnected();
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
