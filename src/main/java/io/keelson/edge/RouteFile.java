package io.keelson.edge;

import java.util.List;

/**
 * A route's part of the edge's HAProxy configuration, in Keelson's words: generated, never edited by
 * hand, one file per route beside the edge image's global part. Each route is a TCP frontend and a
 * backend with two server slots, {@code blue} and {@code green}: a handover puts the new copy in the
 * free slot, makes it ready and drains the other in one runtime API call, so a switch needs no reload
 * and cuts no connection. The file is rewritten to the state the runtime API is put in, so a reload
 * (another route added) or a restart of the edge serves the same copy.
 */
public final class RouteFile {

    /** The two slots of a backend; a copy of the unit is in one, the other is free for the next. */
    public static final List<String> SLOTS = List.of("blue", "green");

    /**
     * The server a connection that waited out a hold goes to: the address the release wrote beside the
     * hold, read by whichever HAProxy worker holds the connection. A worker that a reload was replacing
     * when it took the connection never sees the runtime API's switch; this way it still sends it to
     * the new copy.
     */
    public static final String RELEASED = "released";

    /** The line that says, to Keelson, whose route a file is: {@code # keelson: target=… unit=… route=…}. */
    public static final String HEADER = "# keelson: ";

    private static final java.util.regex.Pattern OWNER =
            java.util.regex.Pattern.compile("# keelson: target=(\\S+) unit=(\\S+) route=(\\S+)");

    /** One route the edge serves, and the target it serves it for. */
    public record Owned(String target, EdgeRoute route) {}

    private RouteFile() {}

    /** The routes an edge's {@code routes} listing names; a line that does not parse is left out. */
    public static java.util.List<Owned> owners(String listing) {
        java.util.List<Owned> owned = new java.util.ArrayList<>();
        for (String line : listing.lines().toList()) {
            var m = OWNER.matcher(line.strip());
            if (m.matches()) {
                try {
                    owned.add(new Owned(m.group(1), EdgeRoute.parse(m.group(2), m.group(3))));
                } catch (IllegalArgumentException e) {
                    // not a route Keelson wrote
                }
            }
        }
        return owned;
    }

    /** The other slot of a backend. */
    public static String other(String slot) {
        return slot.equals(SLOTS.get(0)) ? SLOTS.get(1) : SLOTS.get(0);
    }

    /**
     * The route's file: {@code slot} serves {@code address} ({@code ip:port}), the other slot is
     * empty. With a null address no slot serves (a route waiting for its first copy).
     */
    public static String route(EdgeRoute route, String target, String slot, String address) {
        String name = route.proxyName();
        String idle = "127.0.0.1:" + route.containerPort();
        StringBuilder cfg = new StringBuilder()
                .append("# Written by Keelson for target ")
                .append(target)
                .append(", unit ")
                .append(route.unit())
                .append(". Do not edit: Keelson writes it again.\n")
                .append(HEADER)
                .append("target=")
                .append(target)
                .append(" unit=")
                .append(route.unit())
                .append(" route=")
                .append(route.spec())
                .append('\n')
                .append("frontend ")
                .append(name)
                .append('\n')
                .append("    bind ")
                .append(route.bindAddress().isEmpty() ? "0.0.0.0" : route.bindAddress())
                .append(':')
                .append(route.hostPort())
                .append(" backlog 4096\n")
                // The hold action may wait (yield); HAProxy lets a content rule wait only within an inspect delay.
                .append("    tcp-request inspect-delay 80s\n")
                .append("    tcp-request content lua.keelson_hold\n")
                // A connection that waited out a hold goes to the copy the release named (see RELEASED).
                .append("    tcp-request content set-dst var(txn.keelson_ip) if { var(txn.keelson_ip) -m found }\n")
                .append(
                        "    tcp-request content set-dst-port var(txn.keelson_port) if { var(txn.keelson_port) -m found }\n")
                .append("    tcp-request content accept\n")
                .append("    default_backend ")
                .append(name)
                .append('\n')
                .append("backend ")
                .append(name)
                .append('\n')
                .append("    use-server " + RELEASED + " if { var(txn.keelson_ip) -m found }\n");
        for (String s : SLOTS) {
            boolean serving = s.equals(slot) && address != null;
            cfg.append("    server ")
                    .append(s)
                    .append(' ')
                    .append(serving ? address : idle)
                    .append(serving ? "\n" : " disabled\n");
        }
        // Weight 0: never chosen by the balancer, only by the use-server rule; address 0.0.0.0 is the
        // destination the frontend set.
        cfg.append("    server ").append(RELEASED).append(" 0.0.0.0:0 weight 0\n");
        return cfg.toString();
    }
}
