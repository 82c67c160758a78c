package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finishes replacements that something cut off — Keelson killed, the engine restarted, a restore
 * that failed — by finding every old container still set aside under its {@code -keelson-old-}
 * name. Each unit ends running: the new container when it passed its gate and was recorded so,
 * otherwise the old one, back under its own name. The old one is started before it is renamed, so
 * a repair cut off half-way leaves it set aside and the next one finishes it.
 */
public final class SetAsideRepair {

    private static final Pattern ASIDE =
            Pattern.compile("(.+)" + Pattern.quote(Recreator.ASIDE_MARK) + "([0-9a-f]{12})");

    private final DockerEngine engine;

    public SetAsideRepair(DockerEngine engine) {
        this.engine = engine;
    }

    /**
     * Repairs the set-aside containers of the target's units ({@code ours} tells them by unit name and
     * labels); {@code passed} names the units whose new container passed its gate. Answers one line
     * per unit it repaired (or could not).
     */
    public List<String> repair(BiPredicate<String, Map<String, String>> ours, Set<String> passed) {
        List<String> done = new ArrayList<>();
        for (DockerEngine.Listed aside : engine.containersNamedLike(Recreator.ASIDE_MARK)) {
            Matcher m = ASIDE.matcher(aside.name());
            if (!m.matches() || !aside.id().startsWith(m.group(2)) || !ours.test(m.group(1), aside.labels())) {
                continue;
            }
            String unit = m.group(1);
            try {
                done.add(repairOne(unit, aside.id(), passed.contains(unit)));
            } catch (RuntimeException e) {
                done.add(unit + ": the old container " + m.group(2)
                        + " is still set aside and could not be repaired now: " + e.getMessage()
                        + " (tried again before the next deployment)");
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
                return unit + ": the new container had passed its health gate and runs; removed the old one ("
                        + shortOld + ") left set aside";
            }
            engine.remove(current.get().path("Id").asText());
            engine.start(oldId);
            engine.rename(oldId, unit);
            return unit + ": the new container never passed its health gate; removed it and put the old one ("
                    + shortOld + ") back under its name, running";
        }
        engine.start(oldId);
        engine.rename(oldId, unit);
        return unit + ": no container ran under this name; put the old one (" + shortOld + ") back, running";
    }
}
