package io.keelson.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API tokens, by name: {@code keelson.auth.tokens.<name>.*}. */
@ConfigMapping(prefix = "keelson.auth")
public interface AuthConfig {

    /** The configured tokens; when there are none, the first start generates an admin token. */
    Map<String, TokenConfig> tokens();

    /** One token. */
    interface TokenConfig {
        /** The token itself; prefer {@link #sha256()} so the configuration holds no secret. */
        Optional<String> secret();

        /** The hex SHA-256 of the token. */
        Optional<String> sha256();

        /** read, deploy, operate or admin; each includes the ones before it. */
        @WithDefault("read")
        String roles();

        /** Globs of the target names this token may act on; all targets when absent. */
        Optional<List<String>> targets();

        /**
         * Prefixes of the environment variables the targets this token defines may name, in place of
         * {@code keelson.secrets.env-prefixes}; setting it restricts even a token without target globs.
         */
        Optional<List<String>> secretEnv();

        /** Folders for the files those targets may name, in place of {@code keelson.secrets.dirs}; restricts too. */
        Optional<List<String>> secretDirs();
    }
}
