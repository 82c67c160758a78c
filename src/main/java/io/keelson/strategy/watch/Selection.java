package io.keelson.strategy.watch;

import java.util.Map;
import java.util.Optional;

/**
 * Which containers a watch target may touch, by label, in both the Keelson and the Watchtower
 * family so a Watchtower setup keeps working unchanged. An explicit {@code false} in either family
 * always wins.
 */
public final class Selection {

    public static final String ENABLE = "keelson.enable";
    public static final String WATCHTOWER_ENABLE = "com.centurylinklabs.watchtower.enable";
    public static final String SCOPE = "keelson.scope";
    public static final String WATCHTOWER_SCOPE = "com.centurylinklabs.watchtower.scope";
    public static final String STOP_TIMEOUT = "keelson.stop-timeout";

    private Selection() {}

    public static boolean selected(Map<String, String> labels, boolean labelEnable, String scope) {
        String keelson = labels.get(ENABLE);
        String watchtower = labels.get(WATCHTOWER_ENABLE);
        if ("false".equalsIgnoreCase(trim(keelson)) || "false".equalsIgnoreCase(trim(watchtower))) {
            return false;
        }
        if (labelEnable && !"true".equalsIgnoreCase(trim(keelson)) && !"true".equalsIgnoreCase(trim(watchtower))) {
            return false;
        }
        if (scope != null && !scope.isEmpty()) {
            return scope.equals(scopeOf(labels).orElse(null));
        }
        return true;
    }

    public static Optional<String> scopeOf(Map<String, String> labels) {
        return Optional.ofNullable(labels.getOrDefault(SCOPE, labels.get(WATCHTOWER_SCOPE)));
    }

    /** The container's own stop timeout label, in seconds, when it has a valid one. */
    public static Optional<Integer> stopTimeout(Map<String, String> labels) {
        String value = trim(labels.get(STOP_TIMEOUT));
        if (value == null || !value.matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(value));
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }
}
