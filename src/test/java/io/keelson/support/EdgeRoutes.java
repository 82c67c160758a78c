package io.keelson.support;

/** The test host's edge, as a test leaves it: the routes it made go, so their ports are free again. */
public final class EdgeRoutes {

    private static final String TOOL = "/usr/share/keelson-edge/edge";

    private EdgeRoutes() {}

    /** Removes the route of {@code unit} on {@code hostPort}, if the edge has it, and lets the edge let the port go. */
    public static void forget(String unit, int hostPort) {
        Shell.run("docker", "exec", "keelson-edge", TOOL, "drop-route", unit + "-" + hostPort);
        Shell.run("docker", "exec", "keelson-edge", TOOL, "reload");
    }
}
