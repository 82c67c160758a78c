package io.keelson.strategy.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The Docker engine of a remote host, reached through SSH the way {@code docker -H ssh://} reaches
 * it: each connection to a local Unix socket becomes one {@code docker system dial-stdio} on the host
 * (through {@code sudo -n} when the target says so). The Engine API client then talks to the host's
 * engine as to a local one, so ssh-docker recreates containers with exactly the code watch uses.
 * The socket sits in a fresh folder only Keelson's user can enter: nobody else on this machine can
 * borrow the host's engine through it.
 */
public final class EngineTunnel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EngineTunnel.class);

    private final SshHost ssh;
    private final RemoteCommand dial;
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final List<SshHost.Stream> open = new ArrayList<>();
    private volatile boolean closed;

    private EngineTunnel(SshHost ssh, RemoteCommand dial, Path dir, Path socket, ServerSocketChannel server) {
        this.ssh = ssh;
        this.dial = dial;
        this.dir = dir;
        this.socket = socket;
        this.server = server;
    }

    /** Opens the local end; the first engine call starts the first remote {@code dial-stdio}. */
    public static EngineTunnel open(SshHost ssh, boolean sudo) {
        List<String> argv = new ArrayList<>(sudo ? List.of("sudo", "-n") : List.of());
        argv.addAll(List.of("docker", "system", "dial-stdio"));
        try {
            Path dir = Files.createTempDirectory(
                    "keelson-engine-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path socket = dir.resolve("docker.sock");
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            EngineTunnel tunnel = new EngineTunnel(ssh, RemoteCommand.of(argv), dir, socket, server);
            daemon("engine-tunnel-" + ssh.label(), tunnel::accept);
            return tunnel;
        } catch (IOException e) {
            throw new SshFailure(
                    "cannot open a local socket for the engine of " + ssh.label() + ": " + e.getMessage(), e);
        }
    }

    /** The {@code DOCKER_HOST} under which the host's engine answers here. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    private void accept() {
        while (!closed) {
            SocketChannel local;
            try {
                local = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warnf("engine tunnel to %s stopped accepting: %s", ssh.label(), e.getMessage());
                }
                return;
            }
            daemon("engine-tunnel-conn", () -> carry(local));
        }
    }

    /** One engine connection: bytes both ways until either end closes, then both are closed. */
    private void carry(SocketChannel local) {
        SshHost.Stream remote;
        try {
            remote = ssh.openStream(dial);
        } catch (RuntimeException e) {
            LOG.warnf("engine tunnel to %s: %s", ssh.label(), e.getMessage());
            closeQuietly(local);
            return;
        }
        synchronized (open) {
            open.add(remote);
        }
        Thread upstream = daemon("engine-tunnel-up", () -> {
            toRemote(local, remote.out());
            remote.close();
            closeQuietly(local);
        });
        toLocal(remote.in(), local);
        closeQuietly(local);
        remote.close();
        try {
            upstream.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (open) {
            open.remove(remote);
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /*
     * The local side is read and written through the channel itself, not through Channels streams:
     * those share the channel's blocking lock, so a read waiting for the engine's answer would keep
     * the request from ever being written.
     */
    private static void toRemote(SocketChannel local, OutputStream remote) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (local.read(buffer) >= 0) {
                remote.write(buffer.array(), 0, buffer.position());
                remote.flush();
                buffer.clear();
            }
        } catch (IOException e) {
            // one end went away: the caller closes both
        }
    }

    private static void toLocal(InputStream remote, SocketChannel local) {
        byte[] bytes = new byte[16 * 1024];
        try {
            for (int n; (n = remote.read(bytes)) >= 0; ) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
                while (buffer.hasRemaining()) {
                    local.write(buffer);
                }
            }
        } catch (IOException e) {
            // one end went away: the caller closes both
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        List<SshHost.Stream> streams;
        synchronized (open) {
            streams = List.copyOf(open);
        }
        streams.forEach(SshHost.Stream::close);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debugf("could not remove %s: %s", dir, e.getMessage());
        }
    }
}
