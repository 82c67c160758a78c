package io.keelson.api;

import io.keelson.catalog.Glob;
import io.keelson.catalog.SecretAllowList;
import io.keelson.identity.IdToken;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who is calling: the token's name (recorded as {@code requestedBy}), its role, the targets it may
 * act on, and the secret sources the targets it defines may name.
 *
 * @param idToken the CI ID token the caller authenticated with; null for a Keelson token
 */
public record Caller(String name, Role role, List<Pattern> targets, SecretAllowList secrets, IdToken idToken) {

    public Caller(String name, Role role, List<Pattern> targets, SecretAllowList secrets) {
        this(name, role, targets, secrets, null);
    }

    public boolean mayAct(String target) {
        return targets.isEmpty()
                || targets.stream().anyMatch(p -> p.matcher(target).matches());
    }

    /** Turns {@code tais-*} into a pattern; only {@code *} and {@code ?} are special. */
    static Pattern glob(String glob) {
        return Glob.toPattern(glob);
    }
}
