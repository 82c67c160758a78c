package io.keelson.strategy.compose;

import io.keelson.catalog.CatalogChecks;
import io.keelson.catalog.ComposeSpec;
import io.keelson.catalog.RegistrySpec;
import io.keelson.catalog.StrategyRules;
import io.keelson.catalog.TargetSpec;
import io.keelson.strategy.ssh.SshRules;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalog blocks of an ssh-compose target: {@code ssh}, {@code compose}, {@code registry},
 * {@code allowedImages}, and {@code environments} for a template of review environments.
 */
@Singleton
public class SshComposeRules implements StrategyRules {

    private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    @Override
    public String strategy() {
        return TargetSpec.SSH_COMPOSE;
    }

    @Override
    public Set<String> blocks() {
        return Set.of("ssh", "compose", "registry", "allowedImages", "environments", "handover");
    }

    @Override
    public void check(TargetSpec spec, CatalogChecks checks) {
        SshRules.check(spec.ssh(), strategy(), checks);
        checkCompose(spec.compose(), checks);
        checkRegistry(spec.registry(), checks);
        if (spec.handover() != null) {
            spec.handover()
                    .check(
                            spec.compose() == null
                                    ? null
                                    : spec.compose().services() == null
                                            ? null
                                            : java.util.Set.copyOf(
                                                    spec.compose().services()),
                            checks);
        }
        if (spec.handover() != null && checks.problems().isEmpty()) {
            ComposeFilesCheck.problem(spec).ifPresent(problem -> checks.problem("handover", problem));
        }
        if (spec.environments() != null) {
            spec.environments().check(spec, checks);
        }
    }

    private static void checkCompose(ComposeSpec compose, CatalogChecks checks) {
        if (compose == null) {
            checks.problem("compose", "is required for ssh-compose");
            return;
        }
        if (compose.projectDir() == null || !compose.projectDir().startsWith("/")) {
            checks.problem("compose.projectDir", "is required and must be an absolute path");
        } else {
            checks.path("compose.projectDir", compose.projectDir(), true);
        }
        if (compose.projectName() != null
                && !PROJECT_NAME.matcher(compose.projectName()).matches()) {
            checks.problem("compose.projectName", "must match [a-z0-9][a-z0-9_-]*");
        }
        List<String> files = compose.files() == null ? List.of() : compose.files();
        for (int i = 0; i < files.size(); i++) {
            checks.path("compose.files[" + i + "]", files.get(i), true);
        }
        if (compose.services() == null || compose.services().isEmpty()) {
            checks.problem("compose.services", "must list at least one service");
        } else if (compose.services().size() > CatalogChecks.MAX_LIST) {
            checks.problem("compose.services", "must list at most " + CatalogChecks.MAX_LIST + " services");
        } else {
            for (int i = 0; i < compose.services().size(); i++) {
                if (!CatalogChecks.isUnitName(compose.services().get(i))) {
                    checks.problem("compose.services[" + i + "]", "is not a valid service name");
                }
            }
        }
        String command = compose.effectiveCommand();
        if (!command.equals(ComposeSpec.DOCKER_COMPOSE) && !command.equals(ComposeSpec.DOCKER_SPACE_COMPOSE)) {
            checks.problem("compose.command", "must be \"docker-compose\" or \"docker compose\"");
        }
    }

    /** The {@code registry} block: {@code docker login} before pulling, on every SSH strategy. */
    static void checkRegistry(RegistrySpec registry, CatalogChecks checks) {
        if (registry == null) {
            return;
        }
        if (!CatalogChecks.isRegistryHost(registry.server())) {
            checks.problem("registry.server", "must be a registry host, optionally with :port");
        }
        if (registry.username() == null
                || registry.username().isBlank()
                || CatalogChecks.hasControl(registry.username())) {
            checks.problem("registry.username", "is required");
        }
        checks.secret("registry", registry.passwordEnv(), registry.passwordFile());
    }
}
