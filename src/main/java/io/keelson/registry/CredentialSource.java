package io.keelson.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

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

    /**
     * A Docker {@code config.json}: {@code auths.<host>.auth} (base64 of user:password) or
     * username/password. Every credential in the file goes to {@code secrets} as it is read (the
     * Redactor), so none of them can turn up in a log, an error or a notification.
     */
    record DockerConfig(Path file, Set<String> realmHosts, Consumer<String> secrets) implements CredentialSource {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final List<String> SECRET_FIELDS = List.of("auth", "password", "identitytoken", "registrytoken");

        @Override
        public Optional<Credentials> forRegistry(String registryHost) {
            if (!Files.isReadable(file)) {
                return Optional.empty();
            }
            JsonNode auths = read().path("auths");
            auths.forEach(this::learn);
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (hostOf(entry.getKey()).equals(registryHost)) {
                    return decode(entry.getValue());
                }
            }
            return Optional.empty();
        }

        /** The file as JSON; an error says where it went wrong, never what the file holds there. */
        private JsonNode read() {
            try {
                return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                String where = e.getLocation() == null
                        ? ""
                        : " at line " + e.getLocation().getLineNr() + ", column "
                                + e.getLocation().getColumnNr();
                throw new IllegalStateException("registry credentials file " + file + " is not valid JSON" + where);
            } catch (IOException e) {
                throw new IllegalStateException("registry credentials file " + file + " cannot be read: "
                        + e.getClass().getSimpleName());
            }
        }

        private void learn(JsonNode entry) {
            for (String field : SECRET_FIELDS) {
                if (entry.hasNonNull(field)) {
                    secrets.accept(entry.get(field).asText());
                }
            }
            decodeQuietly(entry).ifPresent(c -> secrets.accept(c.password()));
        }

        private Optional<Credentials> decodeQuietly(JsonNode entry) {
            try {
                return decode(entry);
            } catch (IllegalStateException e) {
                return Optional.empty();
            }
        }

        private Optional<Credentials> decode(JsonNode entry) {
            if (entry.hasNonNull("auth")) {
                String pair;
                try {
                    pair = new String(
                            Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "registry credentials file " + file + ": an auth entry is not valid base64");
                }
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
