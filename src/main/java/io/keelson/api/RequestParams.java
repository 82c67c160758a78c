package io.keelson.api;

import java.time.Duration;

/** The query parameters and headers the deployment calls share, checked one way everywhere. */
final class RequestParams {

    private static final int MAX_WAIT_SECONDS = 3600;

    private RequestParams() {}

    static boolean flag(String name, String value) {
        return switch (value) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name + ": must be true or false");
        };
    }

    /** {@code timeout}: whole seconds, at most an hour. */
    static Duration seconds(String value) {
        try {
            int s = Integer.parseInt(value);
            if (s >= 0 && s <= MAX_WAIT_SECONDS) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("timeout: must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }

    /** The {@code Idempotency-Key} header, or null without one. */
    static String key(String idempotencyKey) {
        if (idempotencyKey == null) {
            return null;
        }
        String k = idempotencyKey.trim();
        if (k.isEmpty() || k.length() > 255 || k.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw ApiException.badRequest("Idempotency-Key: must be 1 to 255 printable ASCII characters");
        }
        return k;
    }
}
