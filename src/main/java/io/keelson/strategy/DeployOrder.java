package io.keelson.strategy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.ImageRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one deployment asks of a strategy, in one shape from the API request to the strategy and in
 * the deployment row (as JSON), so a queued request survives a restart exactly as it was asked.
 *
 * @param units the units to roll; empty for the target's default ones
 * @param force recreate a unit even when its digest did not change
 * @param image an image to deploy instead of the configured one (null for none)
 * @param release unit → image, deployed as one release (empty for none)
 * @param images for a watch check: the references to consider (empty for all)
 * @param rollback a rollback was asked for: it is planned ({@link #planned}) when it runs, against the history as it is then
 * @param toDeployment the deployment a rollback goes back to; null to undo the newest
 * @param pins the exact digest per host and unit to restore, once a rollback is planned
 * @param refused for a target that follows its registry: {@code unit@digest} pairs that failed before
 *     and are not tried again; found when the order runs, never stored
 * @param folder for a review environment: the project folder to make on each host before deploying (null for none)
 * @param stop remove the target's project from every host instead of deploying (a review environment's end)
 * @param digests image reference (as the order and the target name it) → the digest it runs: set when a
 *     deploy policy checked it, so every host runs exactly the digest that passed, whatever the tag
 *     names by then ({@link UnitImages} applies it); empty when no policy looked
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeployOrder(
        List<String> units,
        boolean force,
        ImageRef image,
        Map<String, ImageRef> release,
        List<ImageRef> images,
        boolean rollback,
        String toDeployment,
        Map<String, Map<String, Pin>> pins,
        @JsonIgnore Set<String> refused,
        ProjectFolder folder,
        boolean stop,
        Map<String, String> digests) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A unit restored to one digest, with the image reference it was deployed from. */
    public record Pin(String image, String digest) {}

    /**
     * The project folder a review environment deploys in: a copy of its template's folder, made
     * when it is missing, whose {@code .env} gets {@code variables} (its ports) at every deployment.
     */
    public record ProjectFolder(String copyOf, Map<String, String> variables) {
        public ProjectFolder {
            variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        }
    }

    public DeployOrder {
        units = units == null ? List.of() : List.copyOf(units);
        release = release == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(release));
        images = images == null ? List.of() : List.copyOf(images);
        pins = pins == null ? Map.of() : pins;
        refused = refused == null ? Set.of() : Set.copyOf(refused);
        digests = digests == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(digests));
    }

    /** A deployment asked through the API. */
    public static DeployOrder deploy(
            List<String> units, boolean force, ImageRef image, Map<String, ImageRef> release, List<ImageRef> images) {
        return new DeployOrder(
                units, force, image, release, images, false, null, Map.of(), Set.of(), null, false, Map.of());
    }

    /** A check of a target that follows its registry, limited to {@code images} when there are any. */
    public static DeployOrder check(List<ImageRef> images) {
        return deploy(List.of(), false, null, Map.of(), images);
    }

    /** A rollback to an earlier deployment's digests, or (null) undoing the newest change. */
    public static DeployOrder rollbackTo(String toDeployment) {
        return new DeployOrder(
                List.of(),
                false,
                null,
                Map.of(),
                List.of(),
                true,
                toDeployment,
                Map.of(),
                Set.of(),
                null,
                false,
                Map.of());
    }

    /** The order that ends a review environment: its project removed from every host. */
    public static DeployOrder stopProject() {
        return new DeployOrder(
                List.of(), false, null, Map.of(), List.of(), false, null, Map.of(), Set.of(), null, true, Map.of());
    }

    /** The same deployment, made in {@code projectFolder} (created first when missing). */
    public DeployOrder inFolder(ProjectFolder projectFolder) {
        return new DeployOrder(
                units,
                force,
                image,
                release,
                images,
                rollback,
                toDeployment,
                pins,
                refused,
                projectFolder,
                stop,
                digests);
    }

    /** This rollback with the pins planned when it runs; its units are the pinned ones. */
    public DeployOrder planned(Map<String, Map<String, Pin>> planned) {
        List<String> planUnits = planned.values().stream()
                .flatMap(m -> m.keySet().stream())
                .distinct()
                .sorted()
                .toList();
        return new DeployOrder(
                planUnits,
                false,
                null,
                Map.of(),
                List.of(),
                true,
                toDeployment,
                planned,
                refused,
                folder,
                stop,
                digests);
    }

    /** The same order, told which digests failed before. */
    public DeployOrder withRefused(Set<String> failedBefore) {
        return new DeployOrder(
                units,
                force,
                image,
                release,
                images,
                rollback,
                toDeployment,
                pins,
                failedBefore,
                folder,
                stop,
                digests);
    }

    /** The same order, to run exactly these digests (reference → digest, as a policy checked them). */
    public DeployOrder withDigests(Map<String, String> checked) {
        return new DeployOrder(
                units, force, image, release, images, rollback, toDeployment, pins, refused, folder, stop, checked);
    }

    /** {@code image} as this order runs it: with the digest a policy checked for it, if one did. */
    public ImageRef checked(ImageRef image) {
        String digest = digests.get(image.toString());
        return digest == null ? image : new ImageRef(image.domain(), image.path(), image.tag(), digest);
    }

    /** The same order with its units named: the target's defaults when the request named none. */
    public DeployOrder withUnits(List<String> defaults) {
        return units.isEmpty()
                ? new DeployOrder(
                        defaults,
                        force,
                        image,
                        release,
                        images,
                        rollback,
                        toDeployment,
                        pins,
                        refused,
                        folder,
                        stop,
                        digests)
                : this;
    }

    /** Whether the order restores pinned digests (a planned rollback). */
    @JsonIgnore
    public boolean isRollback() {
        return !pins.isEmpty();
    }

    /** Whether the order deploys several images at once, each to its own unit. */
    @JsonIgnore
    public boolean isRelease() {
        return !release.isEmpty();
    }

    /** The order as the deployment row keeps it. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DeployOrder fromJson(String json) {
        try {
            return JSON.readValue(json, DeployOrder.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored order does not parse", e);
        }
    }
}
