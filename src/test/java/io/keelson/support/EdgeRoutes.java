package io.keelson.support;

import java.util.ArrayList;
import java.util.List;

/** The test host's edge, as a test leaves it: the routes it made go, so their ports are free again. */
public final class EdgeRoutes {

    private static final String TOOL = "/usr/share/keelson-edge/edge";

    private EdgeRoutes() {}

    /** Removes the route of {@code unit} on {@code hostPort}, if the edge has it, and lets the edge let the port go. */
    public static void forget(String unit, int hostPort) {
        forget(null, unit, hostPort);
    }

    /** {@link #forget(String, int)} on the edge of the engine at {@code dockerHost} (null: the default one). */
    public static void forget(String dockerHost, String unit, int hostPort) {
        List<String> docker = dockerHost == null ? List.of("docker") : List.of("docker", "-H", dockerHost);
        for (List<String> command : List.of(
                List.of("exec", "keelson-edge", TOOL, "drop-route", unit + "-" + hostPort),
                List.of("exec", "keelson-edge", TOOL, "reload"))) {
            List<String> argv = new ArrayList<>(docker);
            argv.addAll(command);
            Shell.run(argv.toArray(String[]::new));
        }
    }

    /**
     * What the edge does with {@code port} now, for a failure's message: its holds, its workers, each
     * worker's sessions, the host's sockets on the port (a listening socket per worker, or a backlog
     * nobody takes, shows here) and the edge's last log lines.
     */
    public static String describe(int port) {
        StringBuilder out = new StringBuilder("\n--- edge holds\n").append(tool("holds"));
        String procs = master("show proc");
        out.append("--- workers\n").append(procs);
        procs.lines()
                .map(String::strip)
                .filter(l -> l.matches("\\d+\\s+worker\\s.*"))
                .map(l -> l.split("\\s+")[0])
                .forEach(pid -> out.append("--- sessions of worker ")
                        .append(pid)
                        .append('\n')
                        .append(limit(master("@!" + pid + " show sess all"), 8000)));
        out.append("--- sockets on ").append(port).append('\n');
        out.append(Shell.run("ss", "-tanpi", "( sport = :" + port + " or dport = :" + port + " )")
                .output());
        out.append("--- edge log\n")
                .append(Shell.run("docker", "logs", "--tail", "40", "keelson-edge")
                        .output());
        return out.toString();
    }

    private static String tool(String... argv) {
        String[] command = new String[argv.length + 4];
        command[0] = "docker";
        command[1] = "exec";
        command[2] = "keelson-edge";
        command[3] = TOOL;
        System.arraycopy(argv, 0, command, 4, argv.length);
        return Shell.run(command).output();
    }

    private static String master(String command) {
        return Shell.run(
                        "docker",
                        "exec",
                        "keelson-edge",
                        "sh",
                        "-c",
                        "printf '%s\\n' \"$1\" | socat -t 5 stdio unix-connect:/run/haproxy/master.sock",
                        "sh",
                        command)
                .output();
    }

    private static String limit(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars) + "\n…(cut)\n";
    }
}
