package io.keelson.edge;

import java.util.List;

/**
 * Reads the edge's counters from HAProxy's {@code show stat} CSV: how many connections a copy still
 * has open, which a drain and a hold wait for before the old copy stops.
 */
public final class EdgeStats {

    private EdgeStats() {}

    /** The connections open now on {@code server} of the route's backend (HAProxy's {@code scur}); -1 when not listed. */
    public static int openConnections(String showStat, EdgeRoute route, String server) {
        List<String> lines = showStat.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return -1;
        }
        List<String> header = List.of(lines.get(0).substring(2).split(","));
        int proxy = header.indexOf("pxname");
        int name = header.indexOf("svname");
        int current = header.indexOf("scur");
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length > Math.max(current, Math.max(proxy, name))
                    && fields[proxy].equals(route.proxyName())
                    && fields[name].equals(server)) {
                return fields[current].isEmpty() ? 0 : Integer.parseInt(fields[current]);
            }
        }
        return -1;
    }
}
