package io.keelson.catalog;

import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a bound {@link TargetSpec}: what every target shares here, each strategy's own blocks by
 * that strategy's {@link StrategyRules}. A block that the target's strategy does not read is
 * refused, so a typo'd or misplaced block is an error rather than silently ignored.
 */
@ApplicationScoped
public class TargetValidator {

    public static final Pattern TARGET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern IMAGE_GLOB = Pattern.compile("[a-z0-9*?][a-z0-9._/:*?-]{0,254}");
    public static final int MAX_LIST = CatalogChecks.MAX_LIST;

    private final Map<String, StrategyRules> rules;

    public TargetValidator(@All List<StrategyRules> rules) {
        this.rules = rules.stream().collect(Collectors.toUnmodifiableMap(StrategyRules::strategy, Function.identity()));
    }

    /** Every problem of the spec; an empty list means it is valid. */
    public List<CatalogProblem> validate(TargetSpec spec) {
        CatalogChecks checks = new CatalogChecks();
        if (spec.name() == null || !TARGET_NAME.matcher(spec.name()).matches()) {
            checks.problem("name", "must match [a-z0-9][a-z0-9-]{0,62}");
        }
        if (spec.description() != null && spec.description().length() > 500) {
            checks.problem("description", "must be at most 500 characters");
        }
        StrategyRules own = spec.strategy() == null ? null : rules.get(spec.strategy());
        if (own == null) {
            checks.problem(
                    "strategy",
                    "must be one of " + rules.keySet().stream().sorted().toList());
        } else {
            blocks(spec).forEach((block, value) -> {
                if (value != null && !own.blocks().contains(block)) {
                    checks.problem(block, "does not apply to strategy " + own.strategy());
                }
            });
            own.check(spec, checks);
        }
        checkRollout(spec.rollout(), checks);
        checkNotify(spec.notifications(), checks);
        checkAllowedImages(spec, checks);
        TrustedPipelineSpec.check(spec.trustedPipelines(), checks);
        PolicySpec.check(spec.policy(), checks);
        return checks.problems();
    }

    /** The blocks a strategy may or may not read, by their catalog key. */
    private static Map<String, Object> blocks(TargetSpec spec) {
        Map<String, Object> blocks = new LinkedHashMap<>();
        blocks.put("ssh", spec.ssh());
        blocks.put("compose", spec.compose());
        blocks.put("containers", spec.containers());
        blocks.put("registry", spec.registry());
        blocks.put("docker", spec.docker());
        blocks.put("watch", spec.watch());
        blocks.put("registryAuth", spec.registryAuth());
        blocks.put("allowedImages", spec.allowedImages());
        blocks.put("environments", spec.environments());
        return blocks;
    }

    public static boolean isHost(String host) {
        return CatalogChecks.isHost(host);
    }

    public static boolean isServiceName(String name) {
        return CatalogChecks.isUnitName(name);
    }

    private static void checkAllowedImages(TargetSpec spec, CatalogChecks checks) {
        if (spec.allowedImages() == null) {
            return;
        }
        if (spec.allowedImages().size() > MAX_LIST) {
            checks.problem("allowedImages", "must list at most " + MAX_LIST + " patterns");
        }
        for (int i = 0; i < spec.allowedImages().size(); i++) {
            String glob = spec.allowedImages().get(i);
            if (glob == null || !IMAGE_GLOB.matcher(glob).matches() || glob.contains("@")) {
                checks.problem(
                        "allowedImages[" + i + "]",
                        "must be a repository pattern such as registry.example.com/team/* (lower case, * and ? as wildcards, no tag)");
            }
        }
    }

    private static void checkNotify(List<NotifySpec> channels, CatalogChecks checks) {
        if (channels == null) {
            return;
        }
        for (int i = 0; i < channels.size(); i++) {
            NotifySpec n = channels.get(i);
            String at = "notify[" + i + "]";
            int sources = (n.url() == null ? 0 : 1) + (n.urlEnv() == null ? 0 : 1) + (n.urlFile() == null ? 0 : 1);
            if (sources != 1) {
                checks.problem(at, "name the address with exactly one of url, urlEnv or urlFile");
            } else if (n.url() != null && !n.url().matches("https?://[^\\s]+")) {
                checks.problem(at + ".url", "must be an http:// or https:// URL");
            } else if (n.urlEnv() != null && !CatalogChecks.isEnvName(n.urlEnv())) {
                checks.problem(at + ".urlEnv", "is not an environment variable name");
            } else if (n.urlFile() != null) {
                checks.path(at + ".urlFile", n.urlFile(), true);
            }
            if (n.on() != null) {
                for (String ending : n.on()) {
                    if (!NotifySpec.ENDINGS.contains(ending)) {
                        checks.problem(at + ".on", "'" + ending + "' is not one of " + NotifySpec.ENDINGS);
                    }
                }
            }
        }
    }

    private static void checkRollout(RolloutSpec rollout, CatalogChecks checks) {
        if (rollout == null) {
            return;
        }
        if (rollout.hostsAtOnce() != null && rollout.hostsAtOnce() < 1) {
            checks.problem("rollout.hostsAtOnce", "must be at least 1");
        }
        if (rollout.healthTimeout() != null && rollout.healthTimeout().toHours() > 24) {
            checks.problem("rollout.healthTimeout", "must be at most 24h");
        }
        if (rollout.stableFor() != null
                && rollout.healthTimeout() != null
                && rollout.stableFor().compareTo(rollout.healthTimeout()) > 0) {
            checks.problem("rollout.stableFor", "must not be longer than healthTimeout");
        }
    }
}
