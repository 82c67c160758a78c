package io.keelson.edge;

import java.util.regex.Pattern;

/**
 * What Keelson says to an edge's HAProxy runtime API (one line of commands, run in order by one
 * call): the steps of a handover. Addresses are container addresses Keelson read from the engine.
 */
public final class EdgeCommands {

    private static final Pattern ADDRESS = Pattern.compile("[0-9a-fA-F.:]{2,45}");

    private EdgeCommands() {}

    /**
     * The free slot gets the new copy and becomes ready, and the slot in use drains (its open
     * connections stay, no new one reaches it), in one call: overlap's switch.
     */
    public static String switchTo(EdgeRoute route, String freeSlot, String ip, String usedSlot) {
        String backend = route.proxyName();
        return "set server " + backend + "/" + freeSlot + " addr " + address(ip) + " port " + route.containerPort()
                + "; set server " + backend + "/" + freeSlot + " state ready"
                + "; set server " + backend + "/" + usedSlot + " state drain";
    }

    /**
     * {@code slot} serves the copy at {@code ip} and the other slot is emptied at once: the end of a
     * hold (the old copy is gone) and the repair's re-pointing.
     */
    public static String serve(EdgeRoute route, String slot, String ip) {
        String backend = route.proxyName();
        return "set server " + backend + "/" + slot + " addr " + address(ip) + " port " + route.containerPort()
                + "; set server " + backend + "/" + slot + " state ready"
                + "; set server " + backend + "/" + RouteFile.other(slot) + " state maint";
    }

    /** The slot a drained copy was in, emptied once its connections ended or the drain timed out. */
    public static String retire(EdgeRoute route, String slot) {
        return "set server " + route.proxyName() + "/" + slot + " state maint";
    }

    /**
     * The worker's identity ({@code show info}: its pid; a reload starts a new one, counting from
     * zero) and the counters of every proxy and server, as CSV ({@code show stat}).
     */
    public static String stats() {
        return "show info; show stat";
    }

    private static String address(String ip) {
        if (ip == null || !ADDRESS.matcher(ip).matches()) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        return ip;
    }
}
