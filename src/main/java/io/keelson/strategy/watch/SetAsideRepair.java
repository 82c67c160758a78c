package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.WatchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finishes replacements that something cut off — Keelson killed, the engine restarted, a restore
 * that failed — by finding every old container still set aside under its {@code -keelson-old-}
 * name. Each unit ends running: the new container when it passed its gate and was recorded so,
 * otherwise the old one, back under its own name. The old one is started before it is renamed, so
 * a repair cut off half-way leaves it set aside and the next one finishes it.
 */
final class SetAsideRepair {

    private static final Pattern ASIDE = Pattern.compile("(.+)" + Pattern.quote(Recreator.ASIDE_MARK) + "([0-9a-f]{12})");

    private final DockerEngine engine;

    SetAsideRepair(DockerEngine engine) {
        this.engine = engine;
    }

    /**
     * Repairs the set-aside containers the target's labels select; {@code passed} names the units
     * whose new container passed its gate. Answers one line per unit it repaired (or could not).
     */
    List<String> repair(WatchSpec watch, Set<String> passed) {
        List<String> done = new ArrayList<>();
        for (DockerEngine.Listed aside : engine.containersNamedLike(Recreator.ASIDE_MARK)) {
            Matcher m = ASIDE.matcher(aside.name());
            if (!m.matches() || !aside.id().startsWith(m.group(2)) || !Selection.selected(aside.labels(), watch.labelEnable(), watch.scope())) {
                continue;
            }
            String unit = m.group(1);
            try {
                done.add(repairOne(unit, aside.id(), passed.contains(unit)));
            } catch (RuntimeException e) {
                done.add(unit + ": the old container " + m.group(2) + " is still set aside and could not be repaired now: " + e.getMessage()
                        + " (tried again before the next check)");
            }
        }
        return done;
    }

    private String repairOne(String unit, String oldId, boolean newPassed) {
        Optional<ObjectNode> current = engine.inspectContainer(unit);
        String shortOld = oldId.substring(0, 12);
        if (current.isPresent() && !current.get().path("Id").asText().equals(oldId)) {
            boolean running = current.get().path("State").path("Running").asBoolean();
            if (newPassed && running) {
                engine.remove(oldId);
                return unit + ": the new container had passed its health gate and runs; removed the old one (" + shortOld + ") left set aside";
            }
            engine.remove(current.get().path("Id").asText());
            engine.start(oldId);
            engine.rename(oldId, unit);
            return unit + ": the new container never passed its health gate; removed it and put the old one (" + shortOld
                    + ") back under its name, running";
        }
        engine.start(oldId);
        engine.rename(oldId, unit);
        return unit + ": no container ran under this name; put the old one (" + shortOld + ") back, running";
    }
}
