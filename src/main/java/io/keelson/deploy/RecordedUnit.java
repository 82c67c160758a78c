package io.keelson.deploy;

import io.keelson.strategy.ChangeStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Keelson last put on one host for one unit, read from its own record rather than from the host,
 * so the answer costs no SSH session and shows the tag beside the digest. {@code status} says how sure
 * the record is: {@code SUCCEEDED}, {@code UNCHANGED} and {@code ROLLED_BACK} are what runs;
 * {@code FAILED} and {@code STARTED} name what was being put in place, which may or may not run.
 */
public record RecordedUnit(
        String host, String unit, String image, String digest, ChangeStatus status, String deployment) {

    /** How far back a unit is looked for: a unit untouched in this many changes is not shown. */
    static final int CHANGES_SEARCHED = 1000;

    /**
     * Each unit's newest change, turned into what it left running. A rollback records the digest it
     * pinned ({@code repo@sha256:…}); the newest tag under which that digest appears in an earlier
     * change of the same unit is shown instead, so an operator still sees which release it is.
     */
    static List<RecordedUnit> of(List<DeploymentChange> newestFirst) {
        Map<String, RecordedUnit> units = new LinkedHashMap<>();
        for (DeploymentChange c : newestFirst) {
            units.putIfAbsent(c.host + '\u0000' + c.unit, from(c));
        }
        units.replaceAll((key, unit) -> unit.withTagFrom(newestFirst));
        List<RecordedUnit> sorted = new ArrayList<>(units.values());
        sorted.sort((a, b) -> a.unit.equals(b.unit) ? a.host.compareTo(b.host) : a.unit.compareTo(b.unit));
        return sorted;
    }

    private RecordedUnit withTagFrom(List<DeploymentChange> newestFirst) {
        if (image == null || !image.contains("@") || digest == null) {
            return this;
        }
        for (DeploymentChange c : newestFirst) {
            if (!c.host.equals(host) || !c.unit.equals(unit)) {
                continue;
            }
            if (digest.equals(c.toDigest) && c.image != null && !c.image.contains("@")) {
                return new RecordedUnit(host, unit, c.image, digest, status, deployment);
            }
            if (digest.equals(c.fromDigest) && c.fromImage != null && !c.fromImage.contains("@")) {
                return new RecordedUnit(host, unit, c.fromImage, digest, status, deployment);
            }
        }
        return this;
    }

    private static RecordedUnit from(DeploymentChange c) {
        return c.status == ChangeStatus.ROLLED_BACK
                ? new RecordedUnit(c.host, c.unit, c.fromImage, c.fromDigest, c.status, c.deploymentId)
                : new RecordedUnit(c.host, c.unit, c.image, c.toDigest, c.status, c.deploymentId);
    }
}
