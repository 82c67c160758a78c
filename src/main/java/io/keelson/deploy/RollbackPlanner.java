package io.keelson.deploy;

import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.DeployOrder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out which digest each unit goes back to. With a deployment named, every unit it changed
 * returns to the digest it deployed then; without, the newest deployment that changed something is
 * undone, each unit returning to the digest it had before. Must run inside a transaction.
 */
@ApplicationScoped
public class RollbackPlanner {

    private static final int SEARCH_DEPTH = 200;
    /**
     * Changes that may have left a new version in place: passed, failed its gate with onFailure
     * stop, or cut off by a crash. Undoing a deployment puts every one of them back.
     */
    private static final java.util.Set<ChangeStatus> PUT_IN_PLACE =
            java.util.EnumSet.of(ChangeStatus.SUCCEEDED, ChangeStatus.FAILED, ChangeStatus.STARTED);

    Map<String, Map<String, DeployOrder.Pin>> pinsFor(String target, String toDeployment) {
        return toDeployment == null ? undoNewest(target) : restore(target, toDeployment);
    }

    /** The deployment a rollback names, if it is one of the target's; else refused as not found. */
    Deployment requireDeployment(String target, String id) {
        return Deployment.byId(id)
                .filter(found -> found.target.equals(target))
                .orElseThrow(() -> new DeploymentRefused(
                        DeploymentRefused.Kind.NOT_FOUND,
                        "target '" + target + "' has no deployment " + id + "; GET /api/v1/targets/" + target
                                + "/deployments lists them"));
    }

    private Map<String, Map<String, DeployOrder.Pin>> restore(String target, String id) {
        Deployment d = requireDeployment(target, id);
        Map<String, Map<String, DeployOrder.Pin>> pins = new LinkedHashMap<>();
        for (DeploymentChange c : DeploymentChange.of(d.id)) {
            if (c.status == ChangeStatus.SUCCEEDED && c.toDigest != null) {
                pins.computeIfAbsent(c.host, h -> new LinkedHashMap<>())
                        .put(c.unit, new DeployOrder.Pin(c.image, c.toDigest));
            }
        }
        if (pins.isEmpty()) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.CONFLICT,
                    "deployment " + id + " left no unit changed (status " + d.status
                            + "), so there is nothing to go back to");
        }
        return pins;
    }

    private Map<String, Map<String, DeployOrder.Pin>> undoNewest(String target) {
        List<Deployment> recent = Deployment.history(target, SEARCH_DEPTH);
        for (Deployment d : recent) {
            Map<String, Map<String, DeployOrder.Pin>> pins = new LinkedHashMap<>();
            for (DeploymentChange c : DeploymentChange.of(d.id)) {
                if (PUT_IN_PLACE.contains(c.status) && c.fromDigest != null) {
                    String image = c.fromImage != null ? c.fromImage : c.image;
                    pins.computeIfAbsent(c.host, h -> new LinkedHashMap<>())
                            .put(c.unit, new DeployOrder.Pin(image, c.fromDigest));
                }
            }
            if (!pins.isEmpty()) {
                return pins;
            }
        }
        throw new DeploymentRefused(
                DeploymentRefused.Kind.CONFLICT,
                "target '" + target
                        + "' has no deployment that changed a unit with a known earlier digest; name one with toDeployment");
    }
}
