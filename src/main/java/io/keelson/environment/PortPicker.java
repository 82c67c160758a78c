package io.keelson.environment;

import io.keelson.catalog.EnvironmentsSpec.Range;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Picks an environment's host ports: for each service, the lowest port of its range that no
 * environment holds and nothing listens on, so a freed port is the first to be used again.
 */
final class PortPicker {

    private PortPicker() {}

    /** Why no port could be picked: the service, its range, and what holds the range. */
    static final class Exhausted extends Exception {
        Exhausted(String message) {
            super(message);
        }
    }

    /**
     * @param ranges service → its range
     * @param held the ports of a range that environments hold already
     * @param listening the ports something listens on, on the hosts
     * @throws Exhausted when one range has no free port
     */
    static Map<String, Integer> pick(
            Map<String, Range> ranges, Function<Range, Set<Integer>> held, Set<Integer> listening) throws Exhausted {
        Map<String, Integer> picked = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        for (Map.Entry<String, Range> entry : ranges.entrySet()) {
            Range range = entry.getValue();
            Set<Integer> holders = held.apply(range);
            Optional<Integer> port = free(range, holders, listening, taken);
            if (port.isEmpty()) {
                long busy = range.size() - holders.size();
                throw new Exhausted("no free port for " + entry.getKey() + " in " + range.first() + "-" + range.last()
                        + ": environments hold " + holders.size() + " and something else listens on " + busy
                        + "; delete an environment or widen the range");
            }
            taken.add(port.get());
            picked.put(entry.getKey(), port.get());
        }
        return picked;
    }

    private static Optional<Integer> free(Range range, Set<Integer> held, Set<Integer> listening, Set<Integer> taken) {
        for (int port = range.first(); port <= range.last(); port++) {
            if (!held.contains(port) && !listening.contains(port) && !taken.contains(port)) {
                return Optional.of(port);
            }
        }
        return Optional.empty();
    }
}
