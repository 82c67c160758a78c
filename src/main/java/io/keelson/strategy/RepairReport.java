package io.keelson.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * What a repair did, a line per unit, and whether it finished: one that could not (an engine that
 * did not answer) is tried again soon, not at the next deployment, which may be a day away.
 */
public record RepairReport(List<String> lines, boolean complete) {

    public static final RepairReport NOTHING = new RepairReport(List.of(), true);

    /** Both reports in one: complete only when both are. */
    public RepairReport and(RepairReport other) {
        List<String> all = new ArrayList<>(lines);
        all.addAll(other.lines);
        return new RepairReport(List.copyOf(all), complete && other.complete);
    }
}
