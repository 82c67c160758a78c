package io.keelson.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects the problems of one catalog entry, with the checks every strategy's rules share. Values
 * that later reach a remote shell (hosts, users, paths, names) are checked here first, so a command
 * is only ever built from values that passed.
 */
public final class CatalogChecks {

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    /** More units or hosts than this is a mistake, and each costs an SSH channel per deployment. */
    public static final int MAX_LIST = 100;

    private final List<CatalogProblem> problems = new ArrayList<>();

    public void problem(String field, String reason) {
        problems.add(new CatalogProblem(null, field, reason));
    }

    public List<CatalogProblem> problems() {
        return List.copyOf(problems);
    }

    /** A file path: not blank when required, and free of control characters. */
    public void path(String field, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problem(field, "is required");
            }
        } else if (hasControl(value)) {
            problem(field, "must not contain control characters");
        }
    }

    /** A password named by exactly one of {@code …Env} or {@code …File}. */
    public void secret(String prefix, String env, String file) {
        if ((env == null) == (file == null)) {
            problem(prefix, "name the password with exactly one of passwordEnv or passwordFile");
        } else {
            optionalSecret(prefix + ".password", env, file);
        }
    }

    /** A secret that may be absent, named by at most one of {@code field + "Env"} or {@code field + "File"}. */
    public void optionalSecret(String field, String env, String file) {
        if (env != null && file != null) {
            problem(field + "Env", "give " + field + "Env or " + field + "File, not both");
        } else if (env != null && !ENV_NAME.matcher(env).matches()) {
            problem(field + "Env", "is not an environment variable name");
        } else if (file != null) {
            path(field + "File", file, false);
        }
    }

    /** A list that must not be longer than {@link #MAX_LIST}. */
    public boolean bounded(String field, List<?> list) {
        if (list != null && list.size() > MAX_LIST) {
            problem(field, "must list at most " + MAX_LIST + " entries");
            return false;
        }
        return true;
    }

    public static boolean isHost(String host) {
        return host != null
                && (HOSTNAME.matcher(host).matches() || IPV6.matcher(host).matches());
    }

    /** A registry host, optionally with {@code :port}. */
    public static boolean isRegistryHost(String server) {
        if (server == null) {
            return false;
        }
        int colon = server.lastIndexOf(':');
        if (colon > 0 && server.indexOf(':') == colon) {
            String port = server.substring(colon + 1);
            return isHost(server.substring(0, colon)) && port.matches("[0-9]{1,5}");
        }
        return isHost(server);
    }

    /** A compose service or container name. */
    public static boolean isUnitName(String name) {
        return name != null && SERVICE_NAME.matcher(name).matches();
    }

    public static boolean isEnvName(String name) {
        return name != null && ENV_NAME.matcher(name).matches();
    }

    public static boolean hasControl(String value) {
        return value.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }
}
