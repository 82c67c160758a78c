package io.keelson.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a target defined through the API may name as the source of a secret, for one token. No
 * token may name Keelson's own settings (its configuration variables, its {@code /proc}); a
 * restricted token may name only variables with an allowed prefix and files under an allowed
 * folder. Without this, an admin of some targets could send Keelson's database password or another
 * team's key to a registry or host of their choice. Catalog files are the operator's and are not
 * checked.
 *
 * @param restricted whether {@code envPrefixes} and {@code dirs} apply; without, only Keelson's own
 *     settings are refused
 */
public record SecretAllowList(boolean restricted, List<String> envPrefixes, List<String> dirs) {

    /** Any variable or file Keelson can read, except its own settings: the operator's token. */
    public static final SecretAllowList ANY = new SecretAllowList(false, List.of(), List.of());

    /** Variables under this prefix are not a settings namespace: Keelson reads no {@code keelson.secret.*}. */
    public static final String SECRET_PREFIX = "KEELSON_SECRET_";

    private static final Path PROC = Path.of("/proc");

    public SecretAllowList {
        envPrefixes = List.copyOf(envPrefixes);
        dirs = List.copyOf(dirs);
    }

    public static SecretAllowList within(List<String> envPrefixes, List<String> dirs) {
        return new SecretAllowList(true, envPrefixes, dirs);
    }

    /** One problem per source the spec names and this list does not allow; none means it may be stored. */
    public List<CatalogProblem> refusals(TargetSpec spec) {
        List<CatalogProblem> problems = new ArrayList<>();
        for (SecretSource source : SecretSource.namedBy(spec)) {
            Optional<String> reason =
                    source.kind() == SecretSource.Kind.ENV ? envRefusal(source.value()) : fileRefusal(source.value());
            reason.ifPresent(r -> problems.add(new CatalogProblem(null, source.field(), r)));
        }
        return problems;
    }

    /**
     * Whether a variable is one of Keelson's own settings: Quarkus and Keelson configuration
     * ({@code QUARKUS_*}, {@code KEELSON_*} except {@link #SECRET_PREFIX}), also in the lower-case
     * and {@code _<profile>_} forms that the configuration reads too.
     */
    public static boolean isKeelsonSetting(String env) {
        String name = env.toUpperCase(Locale.ROOT);
        return name.startsWith("_")
                || name.startsWith("QUARKUS_")
                || (name.startsWith("KEELSON_") && !name.startsWith(SECRET_PREFIX));
    }

    private Optional<String> envRefusal(String env) {
        if (isKeelsonSetting(env)) {
            return Optional.of(env + " is one of Keelson's own settings (QUARKUS_*, KEELSON_* other than "
                    + SECRET_PREFIX + "*, _<profile>_*), which no target defined through the API may name");
        }
        if (restricted && envPrefixes.stream().noneMatch(env::startsWith)) {
            return Optional.of(env + " is not on this token's allow-list: environment variables starting with "
                    + envPrefixes + " (keelson.secrets.env-prefixes, or the token's own secret-env)");
        }
        return Optional.empty();
    }

    private Optional<String> fileRefusal(String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            return Optional.of("is not a valid path");
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                // Lexical clean-up of ".." is wrong after a symbolic link, so it is refused, not normalised.
                return Optional.of(file + " must not contain '..'");
            }
        }
        Optional<Path> real = resolved(path.toAbsolutePath().normalize());
        if (real.isEmpty()) {
            return Optional.of(file + " is a symbolic link that leads nowhere, or cannot be resolved");
        }
        if (real.get().startsWith(PROC) || path.toAbsolutePath().normalize().startsWith(PROC)) {
            return Optional.of(file + " is Keelson's own process information (/proc), which no target defined"
                    + " through the API may name");
        }
        if (!restricted) {
            return Optional.empty();
        }
        boolean inside = path.isAbsolute()
                && dirs.stream()
                        .map(dir -> resolved(Path.of(dir).toAbsolutePath().normalize()))
                        .anyMatch(dir -> dir.isPresent() && real.get().startsWith(dir.get()));
        return inside
                ? Optional.empty()
                : Optional.of(file + " is not on this token's allow-list: absolute paths under " + dirs
                        + " (keelson.secrets.dirs, or the token's own secret-dirs), symbolic links followed");
    }

    /**
     * The path with every symbolic link resolved, as far as it exists (a secret may be put in place
     * after the target is defined); empty for a link that leads nowhere.
     */
    static Optional<Path> resolved(Path absolute) {
        Path existing = absolute;
        while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            return Optional.of(existing.toRealPath().resolve(existing.relativize(absolute)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
