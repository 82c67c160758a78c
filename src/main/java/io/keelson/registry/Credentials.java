package io.keelson.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for one registry; {@link #toString()} never shows the password. */
public record Credentials(String username, String password) {

    public String basicHeader() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", ********]";
    }
}
