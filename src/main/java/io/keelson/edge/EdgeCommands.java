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
     * overlap: the free slot gets the new copy and becomes ready, and the slot in use drains (its
     * open connections stay, no new one reaches it), in one call.
     */
    public static String switchTo(EdgeRoute route, String freeSlot, String ip, String usedSlot) {
        String backend = route.proxyName();
        return "set server " + backend + "/" + freeSlot + " addr " + address(ip) + " port " + route.containerPort()
                + "; set server " + backend + "/" + freeSlot + " state ready"
                + "; set server " + backend + "/" + usedSlot + " state drain";
    }

    /** The slot a drained copy was in, emptied once its connections ended or the drain timed out. */
    public static String retire(EdgeRoute route, String slot) {
        return "set server " + route.proxyName() + "/" + slot + " state maint";
    }

    /**
     * hold: the frontend keeps accepting, and each new connection waits (nothing is sent on) until
     * {@link #release}: the copy may stop and its successor start without a connection refused.
     */
    public static String hold(EdgeRoute route) {
        return "add map " + EdgeConfig.HOLD_MAP + " " + route.proxyName() + " 1";
    }

    /** The end of a hold: the new copy in {@code slot} serves, the other slot is emptied, waiting connections go on. */
    public static String release(EdgeRoute route, String slot, String ip, String otherSlot) {
        String backend = route.proxyName();
        return "set server " + backend + "/" + slot + " addr " + address(ip) + " port " + route.containerPort()
                + "; set server " + backend + "/" + slot + " state ready"
                + "; set server " + backend + "/" + otherSlot + " state maint"
                + "; del map " + EdgeConfig.HOLD_MAP + " " + backend;
    }

    /** The counters of every proxy and server, as CSV (HAProxy's {@code show stat}). */
    public static String stats() {
        return "show stat";
    }

    private static String address(String ip) {
        if (ip == null || !ADDRESS.matcher(ip).matches()) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        return ip;
    }
}
