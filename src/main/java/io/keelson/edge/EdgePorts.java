package io.keelson.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;

/** Where a unit's handed-over ports are: published by its container itself, or served by the edge. */
final class EdgePorts {

    private EdgePorts() {}

    /**
     * Takes the handed-over ports out of the copy's configuration (the edge publishes them); answers
     * whether the old container published one itself. A port it publishes outside the handover would
     * be taken twice by two copies, so it is refused.
     */
    static boolean unpublish(ObjectNode body, String name, List<EdgeRoute> routes) {
        JsonNode bindings = body.path("HostConfig").path("PortBindings");
        boolean published = false;
        if (bindings instanceof ObjectNode map) {
            for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
                String port = it.next();
                if (map.get(port).isArray() && map.get(port).isEmpty()) {
                    continue;
                }
                boolean handed = routes.stream().anyMatch(r -> port.equals(r.containerPort() + "/tcp"));
                if (!handed) {
                    throw new IllegalStateException(name + " publishes " + port + " itself, outside its handover ports "
                            + routes.stream().map(EdgeRoute::hostPort).toList()
                            + ": two copies cannot both publish it");
                }
                published = true;
            }
            ((ObjectNode) body.get("HostConfig")).remove("PortBindings");
        }
        return published;
    }

    /** Whether the edge serves this container on every route and it publishes none of their ports itself. */
    static boolean adopted(ObjectNode inspect, List<EdgeRoute> routes, Edge edge) {
        JsonNode bindings = inspect.path("HostConfig").path("PortBindings");
        boolean publishes = routes.stream().anyMatch(r -> {
            JsonNode b = bindings.path(r.containerPort() + "/tcp");
            return b.isArray() && !b.isEmpty();
        });
        return !publishes && servedByEdge(inspect, routes, edge);
    }

    static boolean servedByEdge(ObjectNode inspect, List<EdgeRoute> routes, Edge edge) {
        String ip = ip(inspect);
        EdgeStats stats = edge.stats();
        return routes.stream()
                .allMatch(route ->
                        stats.serving(route).map(s -> s.ip().equals(ip)).orElse(false));
    }

    /** The container's address on its first network: the edge, on the host's network, reaches any of them. */
    static String ip(ObjectNode inspect) {
        JsonNode networks = inspect.path("NetworkSettings").path("Networks");
        for (Iterator<JsonNode> it = networks.elements(); it.hasNext(); ) {
            String ip = it.next().path("IPAddress").asText("");
            if (!ip.isEmpty()) {
                return ip;
            }
        }
        throw new IllegalStateException(inspect.path("Name").asText() + " has no network address the edge can reach");
    }
}
