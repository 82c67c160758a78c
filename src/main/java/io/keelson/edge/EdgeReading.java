package io.keelson.edge;

import java.util.List;

/**
 * What one host's or engine's edge said in a background read: its counters, and the routes it serves
 * as its route files name their targets. A target with a {@code handover} block knows its routes from
 * the catalog; a watch target's come from its containers' labels, so only the edge can list them.
 *
 * @param owned the routes the edge serves, with their targets; empty when the reader did not list them
 */
public record EdgeReading(EdgeStats stats, List<RouteFile.Owned> owned) {

    /** The routes the edge serves for {@code target}. */
    public List<EdgeRoute> routesOf(String target) {
        return owned.stream()
                .filter(o -> o.target().equals(target))
                .map(RouteFile.Owned::route)
                .toList();
    }
}
