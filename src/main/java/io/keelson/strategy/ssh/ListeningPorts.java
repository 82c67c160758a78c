package io.keelson.strategy.ssh;

import io.keelson.catalog.SshSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP ports something listens on, on one host: read from the kernel's own tables
 * ({@code /proc/net/tcp} and {@code tcp6}), which every Linux host has, rather than from a tool a
 * host may lack. A review environment takes only a port free here.
 */
public final class ListeningPorts {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String LISTEN = "0A";

    private ListeningPorts() {}

    /**
     * @throws SshFailure when the host cannot be reached or read
     */
    public static Set<Integer> on(String host, SshSpec ssh) {
        try (SshHost connection = SshHost.connect(host, ssh, CONNECT_TIMEOUT)) {
            SshHost.Result tables = connection.run(
                    RemoteCommand.of(List.of("sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; exit 0"))
                            .withTimeout(Duration.ofSeconds(20))
                            .asQuiet(),
                    line -> {});
            if (!tables.ok()) {
                throw new SshFailure("cannot read the listening ports of " + host + ": " + tables.lastError());
            }
            return parse(tables.stdout());
        }
    }

    /** The local ports of the sockets in state LISTEN, from the text of {@code /proc/net/tcp*}. */
    static Set<Integer> parse(String tables) {
        Set<Integer> ports = new HashSet<>();
        for (String line : tables.lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 4 || !LISTEN.equals(fields[3])) {
                continue;
            }
            int colon = fields[1].lastIndexOf(':');
            try {
                ports.add(Integer.parseInt(fields[1].substring(colon + 1), 16));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                // a header or a line of another shape: not a socket
            }
        }
        return ports;
    }
}
