package io.keelson.api;

import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum Role {
    READ,
    DEPLOY,
    OPERATE,
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** The highest role named in a comma-separated list such as {@code "deploy"} or {@code "read,operate"}. */
    public static Role highestOf(String roles) {
        Role best = null;
        for (String part : roles.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            Role role;
            try {
                role = Role.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown role '" + name + "' (read, deploy, operate, admin)");
            }
            best = best == null || role.compareTo(best) > 0 ? role : best;
        }
        if (best == null) {
            throw new IllegalArgumentException("no role given (read, deploy, operate, admin)");
        }
        return best;
    }
}
