package io.keelson.api;

import io.keelson.catalog.Glob;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who is calling: the token's name (recorded as {@code requestedBy}), its role, and the targets
 * it may act on.
 */
public record Caller(String name, Role role, List<Pattern> targets) {

    public boolean mayAct(String target) {
        return targets.isEmpty()
                || targets.stream().anyMatch(p -> p.matcher(target).matches());
    }

    /** Turns {@code tais-*} into a pattern; only {@code *} and {@code ?} are special. */
    static Pattern glob(String glob) {
        return Glob.toPattern(glob);
    }
}
