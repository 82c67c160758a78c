package io.keelson.edge;

import java.util.Comparator;
import java.util.List;

/**
 * The edge's HAProxy configuration, in Keelson's words: generated from the routes, never edited by
 * hand. Each route is a TCP frontend and a backend with two server slots, {@code blue} and {@code
 * green}: a handover starts the new copy in the free slot, makes it ready and drains the other, in
 * one runtime API call, so a switch needs no reload and cuts no connection.
 */
public final class EdgeConfig {

    /** The edge image's Lua action that holds a frontend's new connections while its name is in {@link #HOLD_MAP}. */
    public static final String HOLD_SCRIPT = "/usr/share/keelson-edge/hold.lua";

    /** Frontends whose new connections wait (hold mode), changed at run time by {@link EdgeCommands}. */
    public static final String HOLD_MAP = "/usr/share/keelson-edge/hold.map";

    /** The two slots of a backend; a copy of the unit is in one, the other is free for the next. */
    public static final List<String> SLOTS = List.of("blue", "green");

    private EdgeConfig() {}

    /**
     * @param current for each route, the address ({@code ip:port}) of the copy serving now, in slot blue;
     *     null for a route with no copy yet (its frontend holds connections until one is set)
     */
    public static String render(List<EdgeRoute> routes, java.util.function.Function<EdgeRoute, String> current) {
        StringBuilder cfg = new StringBuilder();
        cfg.append("# Written by Keelson: the edge's configuration. Do not edit; Keelson writes it again.\n")
                .append("global\n")
                .append("    stats socket /run/haproxy/admin.sock mode 600 level admin expose-fd listeners\n")
                .append("    stats timeout 30s\n")
                .append("    hard-stop-after 1h\n")
                .append("    lua-load ")
                .append(HOLD_SCRIPT)
                .append('\n')
                .append("defaults\n")
                .append("    mode tcp\n")
                .append("    timeout connect 5s\n")
                .append("    timeout client 1h\n")
                .append("    timeout server 1h\n")
                .append("    timeout queue 75s\n");
        routes.stream().sorted(Comparator.comparing(EdgeRoute::proxyName)).forEach(route -> {
            String name = route.proxyName();
            String address = current.apply(route);
            cfg.append("frontend ")
                    .append(name)
                    .append('\n')
                    .append("    bind ")
                    .append(route.bindAddress())
                    .append(':')
                    .append(route.hostPort())
                    .append(" backlog 4096\n")
                    // The hold action may wait (yield); HAProxy lets a content rule wait only within an inspect delay.
                    .append("    tcp-request inspect-delay 80s\n")
                    .append("    tcp-request content lua.keelson_hold\n")
                    .append("    tcp-request content accept\n")
                    .append("    default_backend ")
                    .append(name)
                    .append('\n')
                    .append("backend ")
                    .append(name)
                    .append('\n')
                    .append("    server blue ")
                    .append(address == null ? "127.0.0.1:" + route.containerPort() : address)
                    .append(address == null ? " disabled\n" : "\n")
                    .append("    server green 127.0.0.1:")
                    .append(route.containerPort())
                    .append(" disabled\n");
        });
        return cfg.toString();
    }
}
