package io.keelson.edge;

import java.util.regex.Pattern;

/**
 * One port the edge serves for one unit: where it listens on the host, and the port of the unit's
 * container it forwards to (TCP: HTTP, websockets, anything).
 *
 * @param unit the compose service or container name the port belongs to
 * @param bindAddress the host address to listen on; empty for every address
 * @param hostPort the published port, owned by the edge
 * @param containerPort the port inside the unit's copies
 */
public record EdgeRoute(String unit, String bindAddress, int hostPort, int containerPort) {

    private static final Pattern SPEC = Pattern.compile("(?:(\\d{1,3}(?:\\.\\d{1,3}){3}):)?(\\d{1,5}):(\\d{1,5})");
    private static final Pattern UNIT = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    public EdgeRoute {
        if (!UNIT.matcher(unit).matches()) {
            throw new IllegalArgumentException("not a unit name: " + unit);
        }
        if (hostPort < 1 || hostPort > 65535 || containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("ports are 1-65535: " + hostPort + ":" + containerPort);
        }
    }

    /** {@code [ip:]hostPort:containerPort}, as the catalog and the labels write it. */
    public static EdgeRoute parse(String unit, String spec) {
        var m = spec == null ? null : SPEC.matcher(spec.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + spec
                    + "' is not [ip:]hostPort:containerPort (TCP), such as 8080:8000 or 127.0.0.1:8080:8000");
        }
        return new EdgeRoute(
                unit, m.group(1) == null ? "" : m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** {@code [ip:]hostPort:containerPort}, as {@link #parse} reads it. */
    public String spec() {
        return (bindAddress.isEmpty() ? "" : bindAddress + ":") + hostPort + ":" + containerPort;
    }

    /** The name of the route's frontend and backend in the edge's configuration. */
    public String proxyName() {
        return unit.replaceAll("[^a-zA-Z0-9_.-]", "_") + "-" + hostPort;
    }

    /** The routes' host ports, as a log line names them: {@code [8080, 8443]}. */
    public static String hostPorts(java.util.List<EdgeRoute> routes) {
        return routes.stream().map(r -> String.valueOf(r.hostPort())).toList().toString();
    }
}
