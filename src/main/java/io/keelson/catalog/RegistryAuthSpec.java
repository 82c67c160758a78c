package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a watch target finds registry credentials: a Docker config.json, or a user and a named
 * password for the one registry {@code server}. Credentials go only to the registry they belong to;
 * {@code realmHosts} names the other hosts they may follow to as a bearer-token realm (Docker Hub's
 * {@code auth.docker.io} is known without it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistryAuthSpec(
        String configFile,
        String server,
        String username,
        String passwordEnv,
        String passwordFile,
        List<String> realmHosts) {

    @JsonIgnore
    public SecretRef password() {
        return SecretRef.of("registryAuth.password", passwordEnv, passwordFile);
    }
}
