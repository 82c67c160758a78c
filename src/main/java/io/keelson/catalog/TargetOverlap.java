package io.keelson.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether two targets would act on the same containers. Each target's lane runs its work one item
 * at a time, so two targets over one compose project, one container or one engine's unscoped
 * containers would deploy over each other's work, and their records would disagree. Only targets
 * of one strategy are compared, by their values as written: {@code localhost} and {@code 127.0.0.1}
 * are two hosts here.
 */
public final class TargetOverlap {

    private TargetOverlap() {}

    /** The first of {@code others} (its own name skipped) that {@code spec} overlaps, as the problem to report. */
    public static Optional<CatalogProblem> with(TargetSpec spec, List<TargetSpec> others) {
        for (TargetSpec other : others) {
            if (spec.name() == null || !spec.name().equals(other.name())) {
                Optional<CatalogProblem> problem = between(spec, other);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    /** Why {@code spec} overlaps {@code other}, on the field of {@code spec} that says so; empty when it does not. */
    static Optional<CatalogProblem> between(TargetSpec spec, TargetSpec other) {
        if (spec.strategy() == null || !spec.strategy().equals(other.strategy())) {
            return Optional.empty();
        }
        return switch (spec.strategy()) {
            case TargetSpec.WATCH -> watch(spec, other);
            case TargetSpec.SSH_COMPOSE -> compose(spec, other);
            case TargetSpec.SSH_DOCKER -> containers(spec, other);
            default -> Optional.empty();
        };
    }

    private static Optional<CatalogProblem> watch(TargetSpec spec, TargetSpec other) {
        String engine = engineOf(spec);
        if (!engine.equals(engineOf(other))) {
            return Optional.empty();
        }
        String scope = spec.effectiveWatch().scope();
        String otherScope = other.effectiveWatch().scope();
        if (!scope.isEmpty() && !otherScope.isEmpty() && !scope.equals(otherScope)) {
            return Optional.empty();
        }
        String why = scope.equals(otherScope)
                ? "both watch scope '" + scope + "'"
                : "scope '' watches every container of the engine";
        return overlap(
                "watch.scope",
                spec,
                other,
                why + " on " + engine + "; give each target on one engine its own non-empty scope");
    }

    private static Optional<CatalogProblem> compose(TargetSpec spec, TargetSpec other) {
        if (spec.compose() == null || other.compose() == null) {
            return Optional.empty();
        }
        String dir = folder(spec.compose().projectDir());
        if (dir == null || !dir.equals(folder(other.compose().projectDir()))) {
            return Optional.empty();
        }
        return sharedHost(spec, other)
                .flatMap(host -> overlap(
                        "compose.projectDir",
                        spec,
                        other,
                        "both deploy the compose project in " + dir + " on " + host
                                + "; one project folder belongs to one target"));
    }

    private static Optional<CatalogProblem> containers(TargetSpec spec, TargetSpec other) {
        if (spec.containers() == null || other.containers() == null) {
            return Optional.empty();
        }
        Optional<String> host = sharedHost(spec, other);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < spec.containers().size(); i++) {
            String name = spec.containers().get(i).name();
            if (name != null && other.container(name).isPresent()) {
                return overlap(
                        "containers[" + i + "].name",
                        spec,
                        other,
                        "both deploy container '" + name + "' on " + host.get()
                                + "; one container belongs to one target");
            }
        }
        return Optional.empty();
    }

    private static Optional<CatalogProblem> overlap(String field, TargetSpec spec, TargetSpec other, String why) {
        return Optional.of(new CatalogProblem(
                null, field, "target '" + spec.name() + "' overlaps target '" + other.name() + "': " + why));
    }

    /** The first {@code host:port} both targets reach over SSH, if any. */
    private static Optional<String> sharedHost(TargetSpec spec, TargetSpec other) {
        List<String> theirs = hostsOf(other);
        return hostsOf(spec).stream().filter(theirs::contains).findFirst();
    }

    private static List<String> hostsOf(TargetSpec spec) {
        List<String> hosts = new ArrayList<>();
        if (spec.ssh() != null && spec.ssh().hosts() != null) {
            for (String host : spec.ssh().hosts()) {
                if (host != null) {
                    hosts.add(host.toLowerCase(Locale.ROOT) + ":" + spec.ssh().effectivePort());
                }
            }
        }
        return hosts;
    }

    private static String engineOf(TargetSpec spec) {
        String host = spec.docker() == null ? DockerSpec.LOCAL : spec.docker().effectiveHost();
        return host.strip();
    }

    /** A project folder without its trailing slashes, so {@code /srv/app/} and {@code /srv/app} are one. */
    private static String folder(String dir) {
        if (dir == null) {
            return null;
        }
        String trimmed = dir.strip().replaceAll("/+$", "");
        return trimmed.isEmpty() ? "/" : trimmed;
    }
}
