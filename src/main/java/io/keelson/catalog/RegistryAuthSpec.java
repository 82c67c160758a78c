package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where a watch target finds registry credentials: a Docker config.json, or a user and a named password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistryAuthSpec(String configFile, String username, String passwordEnv, String passwordFile) {
}
