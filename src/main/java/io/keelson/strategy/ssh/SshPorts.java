package io.keelson.strategy.ssh;

import io.keelson.catalog.SshSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A target's SSH ports as its health shows them, and whether each accepts connections (no login: a probe). */
final class SshPorts {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private SshPorts() {}

    /** Each host of a target with its SSH port, as its health shows them ({@code host:port}). */
    static List<String> endpoints(SshSpec ssh) {
        return ssh.hosts().stream().map(h -> h + ":" + ssh.effectivePort()).toList();
    }

    /** {@link #unreachable(String, int, Duration)} for an endpoint of {@link #endpoints}, with a short timeout. */
    static Optional<String> unreachable(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        return unreachable(
                endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)), PROBE_TIMEOUT);
    }

    /** Whether something accepts TCP connections on the host's SSH port within {@code timeout}; empty when it does. */
    static Optional<String> unreachable(String host, int port, Duration timeout) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), (int) timeout.toMillis());
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot connect to " + host + ":" + port + ": " + e.getMessage());
        }
    }
}
