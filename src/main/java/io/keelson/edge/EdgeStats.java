package io.keelson.edge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the edge's state from HAProxy's {@code show stat} CSV: which slot of a route serves and at
 * which address (what a handover and the repair start from), how many connections a copy still has
 * open (what a drain and a hold wait for), and the counters the metrics report.
 */
public final class EdgeStats {

    /**
     * One server slot of a route's backend.
     *
     * @param status HAProxy's word: {@code no check} or {@code UP} when it serves, {@code DRAIN}, {@code MAINT}
     * @param address {@code ip:port} it forwards to
     * @param open connections open now ({@code scur})
     * @param total connections it took since its worker started ({@code stot})
     * @param failed connections it could not make or that broke ({@code econ} + {@code eresp})
     */
    public record Slot(String name, String status, String address, long open, long total, long failed) {
        public boolean serves() {
            return !status.startsWith("MAINT") && !status.startsWith("DRAIN");
        }

        /** The address's IP, without the port. */
        public String ip() {
            int colon = address.lastIndexOf(':');
            return colon < 0 ? address : address.substring(0, colon);
        }
    }

    private final String worker;
    private final List<String> header;
    private final List<String[]> rows;

    private EdgeStats(String worker, List<String> header, List<String[]> rows) {
        this.worker = worker;
        this.header = header;
        this.rows = rows;
    }

    /** Reads {@link EdgeCommands#stats()}'s answer: {@code show info}'s lines, then {@code show stat}'s CSV. */
    public static EdgeStats parse(String answer) {
        List<String> lines = answer.lines().filter(l -> !l.isBlank()).toList();
        String worker = lines.stream()
                .filter(l -> l.startsWith("Pid: "))
                .map(l -> l.substring(5).strip())
                .findFirst()
                .orElse("");
        int csv = 0;
        while (csv < lines.size() && !lines.get(csv).startsWith("# ")) {
            csv++;
        }
        if (csv == lines.size()) {
            return new EdgeStats(worker, List.of(), List.of());
        }
        return new EdgeStats(
                worker,
                List.of(lines.get(csv).substring(2).split(",")),
                lines.subList(csv + 1, lines.size()).stream()
                        .map(l -> l.split(",", -1))
                        .toList());
    }

    /**
     * Reads the edge's {@code all-stats} answer: the current worker's {@link #parse} answer, then one
     * {@code show stat} CSV for each older worker; one {@link EdgeStats} each, the current first.
     */
    public static List<EdgeStats> parseEach(String answer) {
        List<EdgeStats> workers = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        boolean hasCsv = false;
        for (String line : answer.lines().toList()) {
            if (line.startsWith("# ") && hasCsv) {
                workers.add(parse(block.toString()));
                block.setLength(0);
            }
            hasCsv |= line.startsWith("# ");
            block.append(line).append('\n');
        }
        workers.add(parse(block.toString()));
        return workers;
    }

    /** The slot's open connections in this worker, with those a hold released to the copy. */
    public long open(EdgeRoute route, String slot) {
        Slot s = slots(route).get(slot);
        return (s == null ? 0 : s.open()) + released(route);
    }

    /** The HAProxy worker that answered (its pid), empty if unknown: counters start at zero in each. */
    public String worker() {
        return worker;
    }

    /** Whether the edge has the route's frontend. */
    public boolean has(EdgeRoute route) {
        return rows.stream().anyMatch(r -> is(r, route.proxyName(), "FRONTEND"));
    }

    /** The route's two slots, by name; empty when the edge has no such route. */
    public Map<String, Slot> slots(EdgeRoute route) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        for (String slot : RouteFile.SLOTS) {
            rows.stream()
                    .filter(r -> is(r, route.proxyName(), slot))
                    .findFirst()
                    .ifPresent(r -> slots.put(
                            slot,
                            new Slot(
                                    slot,
                                    field(r, "status"),
                                    field(r, "addr"),
                                    number(r, "scur"),
                                    number(r, "stot"),
                                    number(r, "econ") + number(r, "eresp"))));
        }
        return slots;
    }

    /** The open connections a hold released straight to a copy (the route's {@link RouteFile#RELEASED} server). */
    public long released(EdgeRoute route) {
        return rows.stream()
                .filter(r -> is(r, route.proxyName(), RouteFile.RELEASED))
                .findFirst()
                .map(r -> number(r, "scur"))
                .orElse(0L);
    }

    /** The slot serving new connections, if one does. */
    public Optional<Slot> serving(EdgeRoute route) {
        return slots(route).values().stream().filter(Slot::serves).findFirst();
    }

    /** The frontend's counters: connections taken ({@code stot}) and refused or failed ({@code ereq} + {@code dreq}). */
    public long[] frontend(EdgeRoute route) {
        return rows.stream()
                .filter(r -> is(r, route.proxyName(), "FRONTEND"))
                .findFirst()
                .map(r -> new long[] {number(r, "stot"), number(r, "ereq") + number(r, "dreq")})
                .orElse(new long[] {0, 0});
    }

    private boolean is(String[] row, String proxy, String server) {
        return field(row, "pxname").equals(proxy) && field(row, "svname").equals(server);
    }

    private String field(String[] row, String name) {
        int i = header.indexOf(name);
        return i < 0 || i >= row.length ? "" : row[i];
    }

    private long number(String[] row, String name) {
        String value = field(row, name);
        try {
            return value.isEmpty() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
