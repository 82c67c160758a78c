package io.keelson.strategy.sshdocker;

import io.keelson.catalog.CatalogChecks;
import io.keelson.catalog.ContainerSpec;
import io.keelson.catalog.StrategyRules;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ssh.SshRules;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalog blocks of an ssh-docker target: {@code ssh}, {@code containers}, {@code registry},
 * {@code allowedImages}. Every {@code create} setting has its own grammar, so a container created for
 * the first time is built from checked values, never from a command line.
 */
@Singleton
public class SshDockerRules implements StrategyRules {

    private static final Pattern PORT = Pattern.compile(
            "((\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-fA-F:]+]):(\\d{1,5})?:|\\d{1,5}:)?\\d{1,5}(/(tcp|udp|sctp))?");
    private static final Pattern VOLUME =
            Pattern.compile("([a-zA-Z0-9][a-zA-Z0-9_.-]*|/[^:\\s]*):/[^:\\s]*(:(ro|rw))?");
    private static final Pattern RESTART = Pattern.compile("no|always|unless-stopped|on-failure(:\\d{1,4})?");
    private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_./-]{0,254}");

    @Override
    public String strategy() {
        return TargetSpec.SSH_DOCKER;
    }

    @Override
    public Set<String> blocks() {
        return Set.of("ssh", "containers", "registry", "allowedImages", "handover");
    }

    @Override
    public void check(TargetSpec spec, CatalogChecks checks) {
        SshRules.check(spec.ssh(), strategy(), checks);
        List<ContainerSpec> containers = spec.containers();
        if (containers == null || containers.isEmpty()) {
            checks.problem("containers", "must list at least one container");
            return;
        }
        if (!checks.bounded("containers", containers)) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            ContainerSpec c = containers.get(i);
            String at = "containers[" + i + "]";
            if (c == null) {
                checks.problem(at, "is empty");
                continue;
            }
            if (!CatalogChecks.isUnitName(c.name())) {
                checks.problem(at + ".name", "is required and must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)");
            } else if (!names.add(c.name())) {
                checks.problem(at + ".name", "'" + c.name() + "' is listed twice");
            }
            Optional<ImageRef> image = c.image() == null ? Optional.empty() : ImageRef.tryParse(c.image());
            if (image.isEmpty()) {
                checks.problem(at + ".image", "is required and must be an image reference (registry/repository:tag)");
            } else if (image.get().digest() != null) {
                checks.problem(at + ".image", "names the tag a deployment pulls again; Keelson pins the digest itself");
            }
            if (c.create() != null) {
                checkCreate(c.create(), at + ".create", checks);
            }
        }
        if (spec.handover() != null) {
            spec.handover().check(names, checks);
        }
    }

    private static void checkCreate(ContainerSpec.CreateSpec create, String at, CatalogChecks checks) {
        each(
                create.ports(),
                at + ".ports",
                PORT,
                "is not a port mapping such as 8888:8000, 127.0.0.1:8080:80, 127.0.0.1::80 or 53/udp",
                checks);
        each(
                create.volumes(),
                at + ".volumes",
                VOLUME,
                "is not a volume such as data:/data or /srv/app:/app:ro",
                checks);
        each(create.networks(), at + ".networks", NETWORK, "is not a network name", checks);
        if (create.envFiles() != null && checks.bounded(at + ".envFiles", create.envFiles())) {
            for (int i = 0; i < create.envFiles().size(); i++) {
                String file = create.envFiles().get(i);
                if (file == null || !file.startsWith("/")) {
                    checks.problem(at + ".envFiles[" + i + "]", "must be an absolute path on the host");
                } else {
                    checks.path(at + ".envFiles[" + i + "]", file, true);
                }
            }
        }
        if (create.restart() != null && !RESTART.matcher(create.restart()).matches()) {
            checks.problem(at + ".restart", "must be no, always, unless-stopped or on-failure[:N]");
        }
        entries(create.env(), at + ".env", true, checks);
        entries(create.labels(), at + ".labels", false, checks);
    }

    private static void each(List<String> values, String field, Pattern grammar, String reason, CatalogChecks checks) {
        if (values == null || !checks.bounded(field, values)) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || !grammar.matcher(values.get(i)).matches()) {
                checks.problem(field + "[" + i + "]", reason);
            }
        }
    }

    private static void entries(Map<String, String> map, String field, boolean envNames, CatalogChecks checks) {
        if (map == null) {
            return;
        }
        if (map.size() > CatalogChecks.MAX_LIST) {
            checks.problem(field, "must have at most " + CatalogChecks.MAX_LIST + " entries");
            return;
        }
        map.forEach((key, value) -> {
            boolean nameOk = envNames
                    ? CatalogChecks.isEnvName(key)
                    : key != null && LABEL.matcher(key).matches();
            if (!nameOk) {
                checks.problem(
                        field,
                        "'" + key + "' is not a valid " + (envNames ? "environment variable" : "label") + " name");
            } else if (value == null || value.indexOf('\0') >= 0 || value.length() > 4096) {
                checks.problem(field + "." + key, "must be a text of at most 4096 characters");
            }
        });
    }
}
