package io.keelson.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The CI issuers whose ID tokens Keelson accepts: {@code keelson.auth.oidc.<name>.*}. */
@ConfigMapping(prefix = "keelson.auth")
public interface IdentitySettings {

    /** Issuers by the name rules and {@code requestedBy} use ({@code gitlab}, {@code github}). */
    Map<String, Issuer> oidc();

    /**
     * How long after fetching an issuer's keys a token naming an unknown key may make Keelson fetch
     * them again (60 s; tests shorten it).
     */
    @WithName("oidc-key-refetch")
    @WithDefault("60s")
    Duration oidcKeyRefetch();

    /** One issuer. */
    interface Issuer {
        /** Its {@code iss}, an https:// address; discovery is {@code <issuer>/.well-known/openid-configuration}. */
        String issuer();

        /** The {@code aud} a token must carry for Keelson (a string, or one of an array). */
        String audience();

        /** A PEM file of CA certificates trusted for the issuer's TLS, beside the JVM's own. */
        Optional<String> caFile();
    }
}
