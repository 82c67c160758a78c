package io.keelson.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret as the catalog names it: an environment variable or a file, never the value. Read only
 * when it is used, so a rotated file is picked up by the next deployment; its {@code toString}
 * names where it lives and never what it holds.
 *
 * @param field the catalog field it comes from, for error messages ({@code registry.password})
 */
public record SecretRef(String field, String env, String file) {

    /** The reference, or an empty one when neither {@code env} nor {@code file} is given. */
    public static SecretRef of(String field, String env, String file) {
        return new SecretRef(field, env, file);
    }

    public boolean isGiven() {
        return env != null || file != null;
    }

    /**
     * The value, stripped of surrounding white space (a trailing newline in a file is not part of a
     * password); empty when none is named.
     *
     * @throws IllegalStateException naming the variable or file when it cannot be read
     */
    public Optional<String> read() {
        if (env != null) {
            String value = System.getenv(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException(
                        field + "Env names " + env + ", which is not set in Keelson's environment");
            }
            return Optional.of(value.strip());
        }
        if (file != null) {
            try {
                return Optional.of(
                        Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(field + "File " + file + " cannot be read: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** {@link #read()}, or null when the secret cannot be read now (it is reported where it is used). */
    public String readOrNull() {
        try {
            return read().orElse(null);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return env != null ? field + " from $" + env : file != null ? field + " from " + file : field + " (none)";
    }
}
