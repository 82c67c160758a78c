package io.keelson.deploy;

import java.util.regex.Pattern;

/**
 * Host output made safe to store and print: terminal escape sequences (colours, cursor moves, window
 * titles) and control characters are removed, since PostgreSQL refuses a NUL in text (and with it the
 * rest of the log) and a terminal reading Keelson's own log would obey them. Tabs and line breaks stay.
 */
final class PrintableText {

    /** CSI (ESC [ or 0x9B), OSC (ESC ], to BEL or ESC \, or to the end when cut), and two-character escapes. */
    private static final Pattern ESCAPES = Pattern.compile(
            "(?:\\x1B\\[|\\x9B)[0-?]*[ -/]*[@-~]?" + "|\\x1B\\][^\\x07\\x1B]*(?:\\x07|\\x1B\\\\)?" + "|\\x1B[ -~]?");

    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F]");

    private PrintableText() {}

    static String of(String text) {
        if (text == null) {
            return null;
        }
        return CONTROLS.matcher(ESCAPES.matcher(text).replaceAll("")).replaceAll("");
    }
}
