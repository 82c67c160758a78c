package io.keelson.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the credentials for a registry come from: one user and password for one named registry, or
 * a Docker {@code config.json} read at each lookup (so a refreshed file is picked up). Credentials
 * are only ever handed out for the registry they belong to. Credential helpers ({@code credsStore})
 * are not supported: their entries are reported, not followed.
 */
public sealed interface CredentialSource {

    Optional<Credentials> forRegistry(String registryHost);

    /** Hosts other than the registry itself that may receive its credentials as a bearer-token realm. */
    default Set<String> realmHosts() {
        return Set.of();
    }

    /** No credentials: anonymous access only. */
    record None() implements CredentialSource {
        @Override
        public Optional<Credentials> forRegistry(String registryHost) {
            return Optional.empty();
        }
    }

    /** Credentials for one registry host; any other registry is asked anonymously. */
    record Fixed(String registryHost, Credentials credentials, Set<String> realmHosts) implements CredentialSource {
        public Fixed {
            registryHost = RegistryHost.normalize(registryHost);
            realmHosts = Set.copyOf(realmHosts);
        }

        @Override
        public Optional<Credentials> forRegistry(String host) {
            return RegistryHost.normalize(host).equals(registryHost) ? Optional.of(credentials) : Optional.empty();
        }
    }

    /** A Docker {@code config.json}: {@code auths.<host>.auth} (base64 of user:password) or username/password. */
    record DockerConfig(Path file, Set<String> realmHosts) implements CredentialSource {
        public DockerConfig(Path file) {
            this(file, Set.of());
        }

        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public Optional<Credentials> forRegistry(String registryHost) {
            if (!Files.isReadable(file)) {
                return Optional.empty();
            }
            try {
                JsonNode auths = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8))
                        .path("auths");
                for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (hostOf(entry.getKey()).equals(registryHost)) {
                        return decode(entry.getValue());
                    }
                }
                return Optional.empty();
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException(
                        "registry credentials file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }

        private static Optional<Credentials> decode(JsonNode entry) {
            if (entry.hasNonNull("auth")) {
                String pair =
                        new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0
                        ? Optional.empty()
                        : Optional.of(new Credentials(pair.substring(0, colon), pair.substring(colon + 1)));
            }
            if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
                return Optional.of(new Credentials(
                        entry.get("username").asText(), entry.get("password").asText()));
            }
            return Optional.empty();
        }

        /** config.json keys are hosts or URLs ({@code https://index.docker.io/v1/}). */
        private static String hostOf(String key) {
            String k = key.replaceFirst("^https?://", "");
            int slash = k.indexOf('/');
            k = slash < 0 ? k : k.substring(0, slash);
            return RegistryHost.normalize(k);
        }
    }
}
