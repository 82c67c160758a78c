package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Registry credentials for {@code docker login}; the password is named by an environment variable or a file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistrySpec(String server, String username, String passwordEnv, String passwordFile) {

    @JsonIgnore
    public SecretRef password() {
        return SecretRef.of("registry.password", passwordEnv, passwordFile);
    }
}
