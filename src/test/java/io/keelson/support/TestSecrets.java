package io.keelson.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every secret the suite hands Keelson (tokens, registry passwords, notify URLs, key material),
 * written down as the tests use them, so that {@code SecretScanIT} can look for each one afterwards
 * in Keelson's log and in every API answer the suite saw.
 */
public final class TestSecrets {

    private static final Path FILE = Path.of("target/test-secrets.txt");

    private TestSecrets() {}

    /** Notes a secret a test is about to give Keelson; returns it. */
    public static synchronized String remember(String secret) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE,
                    secret.strip() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return secret;
    }

    /** The configured tokens, the SSH client key's body, and every secret a test noted. */
    public static List<String> all() throws IOException {
        List<String> secrets =
                new ArrayList<>(List.of(Api.ADMIN, Api.CI, Api.READER, Api.OPS, Api.TEAM_ADMIN, KeelsonProcess.TOKEN));
        if (Files.exists(FILE)) {
            Files.readAllLines(FILE).stream().filter(s -> !s.isBlank()).forEach(secrets::add);
        }
        if (Files.isReadable(TestEnv.clientKey())) {
            Files.readAllLines(TestEnv.clientKey()).stream()
                    .filter(l -> !l.startsWith("-----") && l.length() >= 16)
                    .forEach(secrets::add);
        }
        return secrets;
    }
}
