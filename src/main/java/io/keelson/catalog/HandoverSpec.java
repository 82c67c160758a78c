package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.keelson.edge.EdgeRoute;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code handover} block: the units served through the host's edge, which owns their published
 * ports, so a deployment hands connections from the old copy to the new one instead of dropping them.
 *
 * @param edgeImage the edge image to run where a host has none yet; null for Keelson's default
 * @param drainTimeout how long the old copy keeps its open connections after the switch
 * @param units unit (compose service or container) → how it is handed over
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HandoverSpec(String edgeImage, Duration drainTimeout, Map<String, UnitHandover> units) {

    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    public static final Duration MAX_DRAIN = Duration.ofHours(1);

    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-zA-Z0-9._:/@-]{0,254}");

    /** How a unit's copies take turns. */
    public enum Mode {
        /** The new copy starts beside the old one; the edge switches when it passed its gate. */
        @JsonProperty("overlap")
        OVERLAP,
        /** The edge holds new connections while the old copy stops and the new one starts. */
        @JsonProperty("hold")
        HOLD
    }

    /** One unit's handover: its mode and the ports the edge serves for it ({@code [ip:]host:container}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UnitHandover(Mode mode, List<String> ports) {}

    @JsonIgnore
    public Duration effectiveDrain() {
        return drainTimeout == null ? DEFAULT_DRAIN : drainTimeout;
    }

    /** How {@code unit} is handed over, if it is. */
    public Optional<UnitHandover> unit(String unit) {
        return units == null ? Optional.empty() : Optional.ofNullable(units.get(unit));
    }

    /** The edge's routes for {@code unit}; empty when it is not handed over. */
    public List<EdgeRoute> routes(String unit) {
        return unit(unit)
                .map(u -> u.ports().stream().map(p -> EdgeRoute.parse(unit, p)).toList())
                .orElse(List.of());
    }

    /** Adds a problem for each thing wrong; {@code knownUnits} null when the units are read later (compose files). */
    public void check(Set<String> knownUnits, CatalogChecks checks) {
        if (edgeImage != null && !IMAGE.matcher(edgeImage).matches()) {
            checks.problem("handover.edgeImage", "is not an image reference");
        }
        if (drainTimeout != null && (drainTimeout.isNegative() || drainTimeout.compareTo(MAX_DRAIN) > 0)) {
            checks.problem("handover.drainTimeout", "must be between 0s and 1h");
        }
        if (units == null || units.isEmpty()) {
            checks.problem("handover.units", "must name at least one unit");
            return;
        }
        if (units.size() > CatalogChecks.MAX_LIST) {
            checks.problem("handover.units", "must name at most " + CatalogChecks.MAX_LIST + " units");
            return;
        }
        Set<Integer> hostPorts = new HashSet<>();
        units.forEach((unit, spec) -> {
            String at = "handover.units." + unit;
            if (!CatalogChecks.isUnitName(unit)) {
                checks.problem("handover.units", "'" + shown(unit) + "' is not a unit name");
                return;
            }
            if (knownUnits != null && !knownUnits.contains(unit)) {
                checks.problem(at, "is not a unit of this target");
            }
            if (spec == null || spec.mode() == null) {
                checks.problem(at + ".mode", "must be overlap or hold");
            }
            if (spec == null || spec.ports() == null || spec.ports().isEmpty()) {
                checks.problem(at + ".ports", "must list at least one [ip:]hostPort:containerPort");
                return;
            }
            if (!checks.bounded(at + ".ports", spec.ports())) {
                return;
            }
            for (String port : spec.ports()) {
                try {
                    EdgeRoute route = EdgeRoute.parse(unit, port);
                    if (!hostPorts.add(route.hostPort())) {
                        checks.problem(at + ".ports", "host port " + route.hostPort() + " is served twice");
                    }
                } catch (IllegalArgumentException e) {
                    checks.problem(at + ".ports", e.getMessage());
                }
            }
        });
    }

    /** A name as it may be shown back: printable, bounded. */
    private static String shown(String name) {
        String printable = name.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
