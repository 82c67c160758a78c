package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.strategy.RecordedGates;
import io.keelson.strategy.RepairReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finishes replacements that something cut off — Keelson killed, the engine restarted, a restore
 * that failed — by finding every old container still set aside under its {@code -keelson-old-}
 * name. Each unit ends running: the new container when the change that created it (which names it
 * by id) recorded it on this host as passed, otherwise the old one, back under its own name. The new one is only stopped until the old one runs, and the old one is
 * started before it is renamed, so a repair cut off half-way never leaves the unit with nothing to
 * run, and the next one finishes it.
 */
public final class SetAsideRepair {

    private static final Pattern ASIDE =
            Pattern.compile("(.+)" + Pattern.quote(Recreator.ASIDE_MARK) + "([0-9a-f]{12})");
    /** A new container that never passed is stopped quickly: the old one is what should run. */
    private static final int STOP_SECONDS = 10;

    private final DockerEngine engine;
    private final String host;

    /** {@code host} as the deployments record it: the SSH host, or the engine for a watch target. */
    public SetAsideRepair(DockerEngine engine, String host) {
        this.engine = engine;
        this.host = host;
    }

    /**
     * Repairs the set-aside containers of the target's units ({@code ours} tells them by unit name and
     * labels), one line per unit it repaired or could not; incomplete when any could not be.
     */
    public RepairReport repair(BiPredicate<String, Map<String, String>> ours, RecordedGates gates) {
        List<String> done = new ArrayList<>();
        boolean complete = true;
        for (DockerEngine.Listed aside : engine.containersNamedLike(Recreator.ASIDE_MARK)) {
            Matcher m = ASIDE.matcher(aside.name());
            if (!m.matches() || !aside.id().startsWith(m.group(2)) || !ours.test(m.group(1), aside.labels())) {
                continue;
            }
            String unit = m.group(1);
            try {
                done.add(repairOne(unit, aside.id(), gates));
            } catch (RuntimeException e) {
                complete = false;
                done.add(unit + ": the old container " + m.group(2)
                        + " is still set aside and could not be repaired now: " + e.getMessage()
                        + " (tried again shortly)");
            }
        }
        return new RepairReport(List.copyOf(done), complete);
    }

    private String repairOne(String unit, String oldId, RecordedGates gates) {
        Optional<ObjectNode> current = engine.inspectContainer(unit);
        String shortOld = oldId.substring(0, 12);
        if (current.isEmpty() || current.get().path("Id").asText().equals(oldId)) {
            engine.start(oldId);
            engine.rename(oldId, unit);
            return unit + ": no container ran under this name; put the old one (" + shortOld + ") back, running";
        }
        ObjectNode now = current.get();
        String newId = now.path("Id").asText();
        boolean running = now.path("State").path("Running").asBoolean();
        if (running && gates.passed(newId, host, unit)) {
            engine.remove(oldId);
            return unit + ": the new container " + newId.substring(0, 12) + " passed its health gate (as recorded)"
                    + " and runs; removed the old one (" + shortOld + ") left set aside";
        }
        engine.stop(newId, STOP_SECONDS);
        try {
            engine.start(oldId);
        } catch (RuntimeException e) {
            startQuietly(newId); // something runs under the unit's name while the old one cannot
            throw e;
        }
        engine.remove(newId);
        engine.rename(oldId, unit);
        return unit + ": the new container " + newId.substring(0, 12) + " was not recorded as passing its health gate;"
                + " removed it and put the old one (" + shortOld + ") back under its name, running";
    }

    private void startQuietly(String id) {
        try {
            engine.start(id);
        } catch (RuntimeException e) {
            // the repair's own error is the one worth reporting
        }
    }
}
