package io.keelson.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * Where a token scoped to some targets ({@code keelson.auth.tokens.<name>.targets}) may point the
 * {@code …Env} and {@code …File} fields of the targets it defines through the API, unless the token
 * has its own {@code secret-env} and {@code secret-dirs}. Catalog files are not restricted.
 */
@ConfigMapping(prefix = "keelson.secrets")
public interface SecretsConfig {

    /** Prefixes of the environment variables such a token may name ({@code …Env}). */
    @WithDefault("KEELSON_SECRET_")
    List<String> envPrefixes();

    /** Folders under which such a token may name files ({@code …File}, {@code configFile}, {@code certPath}). */
    @WithDefault("/run/secrets")
    List<String> dirs();
}
