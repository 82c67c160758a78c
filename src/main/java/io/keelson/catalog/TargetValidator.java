package io.keelson.catalog;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a bound {@link TargetSpec} against the catalog's grammar. Everything that later reaches a
 * remote shell (hosts, users, paths, service names) is checked here first, so a command is only ever
 * built from values that passed.
 */
public final class TargetValidator {

    public static final Pattern TARGET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern IMAGE_GLOB = Pattern.compile("[a-z0-9*?][a-z0-9._/:*?-]{0,254}");
    /** More units or hosts than this is a mistake, and each costs an SSH channel per deployment. */
    public static final int MAX_LIST = 100;
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final List<CatalogProblem> problems = new ArrayList<>();

    private TargetValidator() {
    }

    /** Every problem of the spec; an empty list means it is valid. */
    public static List<CatalogProblem> validate(TargetSpec spec) {
        TargetValidator v = new TargetValidator();
        v.check(spec);
        return List.copyOf(v.problems);
    }

    public static boolean isHost(String host) {
        return host != null && (HOSTNAME.matcher(host).matches() || IPV6.matcher(host).matches());
    }

    private void check(TargetSpec spec) {
        if (spec.name() == null || !TARGET_NAME.matcher(spec.name()).matches()) {
            problem("name", "must match [a-z0-9][a-z0-9-]{0,62}");
        }
        if (spec.description() != null && spec.description().length() > 500) {
            problem("description", "must be at most 500 characters");
        }
        if (TargetSpec.SSH_COMPOSE.equals(spec.strategy())) {
            checkSshCompose(spec);
        } else if (TargetSpec.WATCH.equals(spec.strategy())) {
            checkWatch(spec);
        } else {
            problem("strategy", "must be ssh-compose or watch");
        }
        checkRollout(spec.rollout());
        checkNotify(spec.notifications());
        checkAllowedImages(spec);
    }

    private void checkAllowedImages(TargetSpec spec) {
        if (spec.allowedImages() == null) {
            return;
        }
        if (!spec.isSshCompose()) {
            problem("allowedImages", "applies to ssh-compose targets (a watch target deploys the images its containers name)");
        }
        if (spec.allowedImages().size() > MAX_LIST) {
            problem("allowedImages", "must list at most " + MAX_LIST + " patterns");
        }
        for (int i = 0; i < spec.allowedImages().size(); i++) {
            String glob = spec.allowedImages().get(i);
            if (glob == null || !IMAGE_GLOB.matcher(glob).matches() || glob.contains("@")) {
                problem("allowedImages[" + i + "]", "must be a repository pattern such as registry.example.com/team/* (lower case, * and ? as wildcards, no tag)");
            }
        }
    }

    private void checkNotify(List<NotifySpec> channels) {
        if (channels == null) {
            return;
        }
        for (int i = 0; i < channels.size(); i++) {
            NotifySpec n = channels.get(i);
            String at = "notify[" + i + "]";
            int sources = (n.url() == null ? 0 : 1) + (n.urlEnv() == null ? 0 : 1) + (n.urlFile() == null ? 0 : 1);
            if (sources != 1) {
                problem(at, "name the address with exactly one of url, urlEnv or urlFile");
            } else if (n.url() != null && !n.url().matches("https?://[^\\s]+")) {
                problem(at + ".url", "must be an http:// or https:// URL");
            } else if (n.urlEnv() != null && !ENV_NAME.matcher(n.urlEnv()).matches()) {
                problem(at + ".urlEnv", "is not an environment variable name");
            } else if (n.urlFile() != null) {
                path(at + ".urlFile", n.urlFile(), true);
            }
            if (n.on() != null) {
                for (String ending : n.on()) {
                    if (!NotifySpec.ENDINGS.contains(ending)) {
                        problem(at + ".on", "'" + ending + "' is not one of " + NotifySpec.ENDINGS);
                    }
                }
            }
        }
    }

    private void checkSshCompose(TargetSpec spec) {
        notFor("docker", spec.docker(), "ssh-compose");
        notFor("watch", spec.watch(), "ssh-compose");
        notFor("registryAuth", spec.registryAuth(), "ssh-compose");
        SshSpec ssh = spec.ssh();
        if (ssh == null) {
            problem("ssh", "is required for ssh-compose");
        } else {
            if (ssh.hosts() == null || ssh.hosts().isEmpty()) {
                problem("ssh.hosts", "must list at least one host");
            } else {
                for (int i = 0; i < ssh.hosts().size(); i++) {
                    if (!isHost(ssh.hosts().get(i))) {
                        problem("ssh.hosts[" + i + "]", "is not a host name or IP address");
                    }
                }
                if (ssh.hosts().size() > MAX_LIST) {
                    problem("ssh.hosts", "must list at most " + MAX_LIST + " hosts");
                }
                if (new HashSet<>(ssh.hosts()).size() != ssh.hosts().size()) {
                    problem("ssh.hosts", "lists a host twice");
                }
            }
            if (ssh.port() != null && (ssh.port() < 1 || ssh.port() > 65535)) {
                problem("ssh.port", "must be between 1 and 65535");
            }
            if (ssh.user() == null || !USER.matcher(ssh.user()).matches()) {
                problem("ssh.user", "is required and must be a Unix user name");
            }
            path("ssh.privateKeyFile", ssh.privateKeyFile(), true);
            path("ssh.knownHostsFile", ssh.knownHostsFile(), true);
        }
        ComposeSpec compose = spec.compose();
        if (compose == null) {
            problem("compose", "is required for ssh-compose");
        } else {
            if (compose.projectDir() == null || !compose.projectDir().startsWith("/")) {
                problem("compose.projectDir", "is required and must be an absolute path");
            } else {
                path("compose.projectDir", compose.projectDir(), true);
            }
            if (compose.projectName() != null && !PROJECT_NAME.matcher(compose.projectName()).matches()) {
                problem("compose.projectName", "must match [a-z0-9][a-z0-9_-]*");
            }
            List<String> files = compose.files() == null ? List.of() : compose.files();
            for (int i = 0; i < files.size(); i++) {
                path("compose.files[" + i + "]", files.get(i), true);
            }
            if (compose.services() == null || compose.services().isEmpty()) {
                problem("compose.services", "must list at least one service");
            } else if (compose.services().size() > MAX_LIST) {
                problem("compose.services", "must list at most " + MAX_LIST + " services");
            } else {
                for (int i = 0; i < compose.services().size(); i++) {
                    if (!isServiceName(compose.services().get(i))) {
                        problem("compose.services[" + i + "]", "is not a valid service name");
                    }
                }
            }
            String command = compose.effectiveCommand();
            if (!command.equals(ComposeSpec.DOCKER_COMPOSE) && !command.equals(ComposeSpec.DOCKER_SPACE_COMPOSE)) {
                problem("compose.command", "must be \"docker-compose\" or \"docker compose\"");
            }
        }
        RegistrySpec registry = spec.registry();
        if (registry != null) {
            if (registry.server() == null || !isRegistryHost(registry.server())) {
                problem("registry.server", "must be a registry host, optionally with :port");
            }
            if (registry.username() == null || registry.username().isBlank() || hasControl(registry.username())) {
                problem("registry.username", "is required");
            }
            secret("registry", registry.passwordEnv(), registry.passwordFile());
        }
    }

    private void checkWatch(TargetSpec spec) {
        notFor("ssh", spec.ssh(), "watch");
        notFor("compose", spec.compose(), "watch");
        notFor("registry", spec.registry(), "watch (use registryAuth)");
        if (spec.docker() != null && spec.docker().host() != null) {
            String host = spec.docker().host();
            if (!host.startsWith("unix:///") && !host.startsWith("tcp://")) {
                problem("docker.host", "must be unix:///path or tcp://host:port");
            }
            if (host.startsWith("tcp://") && spec.docker().tls() == null && !TargetValidator.isLoopbackTcp(host)) {
                problem("docker.tls", "is required for a tcp:// engine that is not on this machine's loopback");
            }
        }
        if (spec.docker() != null && spec.docker().tls() != null) {
            path("docker.tls.certPath", spec.docker().tls().certPath(), true);
        }
        WatchSpec watch = spec.watch();
        if (watch != null) {
            if (watch.interval() != null && watch.schedule() != null) {
                problem("watch", "give either interval or schedule, not both");
            }
            if (watch.interval() != null && watch.interval().toSeconds() < 1) {
                problem("watch.interval", "must be at least 1s");
            }
            if (watch.schedule() != null) {
                try {
                    CRON.parse(watch.schedule()).validate();
                } catch (IllegalArgumentException e) {
                    problem("watch.schedule", "is not a cron expression: " + e.getMessage());
                }
            }
        }
        RegistryAuthSpec auth = spec.registryAuth();
        if (auth != null) {
            if (auth.configFile() != null) {
                path("registryAuth.configFile", auth.configFile(), false);
            }
            if (auth.username() != null) {
                secret("registryAuth", auth.passwordEnv(), auth.passwordFile());
                if (auth.server() == null || !isRegistryHost(auth.server())) {
                    problem("registryAuth.server", "is required with username: the registry host (optionally :port) these credentials belong to; they are sent nowhere else");
                }
            } else if (auth.server() != null) {
                problem("registryAuth.server", "applies only with username (a configFile names its registries itself)");
            }
            if (auth.realmHosts() != null) {
                for (int i = 0; i < auth.realmHosts().size() && i <= MAX_LIST; i++) {
                    if (!isRegistryHost(String.valueOf(auth.realmHosts().get(i)))) {
                        problem("registryAuth.realmHosts[" + i + "]", "is not a host name, optionally with :port");
                    }
                }
            }
        }
    }

    private void checkRollout(RolloutSpec rollout) {
        if (rollout == null) {
            return;
        }
        if (rollout.hostsAtOnce() != null && rollout.hostsAtOnce() < 1) {
            problem("rollout.hostsAtOnce", "must be at least 1");
        }
        if (rollout.healthTimeout() != null && rollout.healthTimeout().toHours() > 24) {
            problem("rollout.healthTimeout", "must be at most 24h");
        }
        if (rollout.stableFor() != null && rollout.healthTimeout() != null
                && rollout.stableFor().compareTo(rollout.healthTimeout()) > 0) {
            problem("rollout.stableFor", "must not be longer than healthTimeout");
        }
    }

    static boolean isLoopbackTcp(String host) {
        String rest = host.substring("tcp://".length());
        return rest.startsWith("127.") || rest.startsWith("localhost:") || rest.startsWith("[::1]");
    }

    public static boolean isServiceName(String name) {
        return name != null && SERVICE_NAME.matcher(name).matches();
    }

    private static boolean isRegistryHost(String server) {
        int colon = server.lastIndexOf(':');
        if (colon > 0 && server.indexOf(':') == colon) {
            String port = server.substring(colon + 1);
            return isHost(server.substring(0, colon)) && port.matches("[0-9]{1,5}");
        }
        return isHost(server);
    }

    private void secret(String prefix, String env, String file) {
        if ((env == null) == (file == null)) {
            problem(prefix, "name the password with exactly one of passwordEnv or passwordFile");
        } else if (env != null && !ENV_NAME.matcher(env).matches()) {
            problem(prefix + ".passwordEnv", "is not an environment variable name");
        } else if (file != null) {
            path(prefix + ".passwordFile", file, false);
        }
    }

    private void path(String field, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problem(field, "is required");
            }
        } else if (hasControl(value)) {
            problem(field, "must not contain control characters");
        }
    }

    private void notFor(String field, Object value, String strategy) {
        if (value != null) {
            problem(field, "does not apply to strategy " + strategy);
        }
    }

    private static boolean hasControl(String value) {
        return value.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private void problem(String field, String reason) {
        problems.add(new CatalogProblem(null, field, reason));
    }
}
