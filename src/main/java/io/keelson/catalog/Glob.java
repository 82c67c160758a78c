package io.keelson.catalog;

import java.util.regex.Pattern;

/** The catalog's one glob dialect: {@code *} is any run of characters, {@code ?} one; nothing else is special. */
public final class Glob {

    private Glob() {}

    public static boolean matches(String glob, String value) {
        return toPattern(glob).matcher(value).matches();
    }

    public static Pattern toPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.trim().toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
