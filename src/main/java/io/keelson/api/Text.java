package io.keelson.api;

/** Checks on free text from requests: bounded length, no control characters. */
final class Text {

    private Text() {}

    static void limit(String field, String value, int max) {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            throw ApiException.badRequest(field + ": must be at most " + max + " characters");
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
            throw ApiException.badRequest(field + ": must not contain control characters");
        }
    }
}
