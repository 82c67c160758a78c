package io.keelson.api;

import io.keelson.catalog.Redactor;
import io.keelson.catalog.SecretAllowList;
import io.keelson.cluster.ClusterLock;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Knows the valid tokens and who each one is. Tokens are compared by SHA-256 in constant time; no
 * token is kept in clear after start. With no token configured, the first start generates an admin
 * token, prints it once, and keeps only its hash; it stays valid until tokens are configured.
 */
@ApplicationScoped
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class);
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private record Known(byte[] sha256, Caller caller) {}

    private final AuthConfig config;
    private final SecretsConfig secretSources;
    private final Clock clock;
    private final Redactor redactor;
    private volatile List<Known> known = List.of();

    public Tokens(AuthConfig config, SecretsConfig secrets, Clock clock, Redactor redactor) {
        this.redactor = redactor;
        this.config = config;
        this.secretSources = secrets;
        this.clock = clock;
    }

    @Transactional
    void load(@Observes StartupEvent event) {
        List<Known> loaded = new ArrayList<>();
        config.tokens().forEach((name, token) -> {
            loaded.add(configured(name, token));
            token.secret().ifPresent(redactor::register);
        });
        if (loaded.isEmpty()) {
            ClusterLock.hold(ClusterLock.TOKENS); // replicas starting together: one generates, the others read it
            if (ApiToken.count() == 0) {
                generateAdmin();
            }
            for (ApiToken stored : ApiToken.all()) {
                loaded.add(new Known(
                        HexFormat.of().parseHex(stored.sha256),
                        new Caller(stored.name, Role.highestOf(stored.role), List.of(), SecretAllowList.ANY)));
            }
        }
        known = List.copyOf(loaded);
        LOG.infof("auth: %d token(s) known", known.size());
    }

    /** The caller a bearer token belongs to, if any. */
    public Optional<Caller> resolve(String token) {
        byte[] hash = sha256(token);
        Caller match = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(k.sha256(), hash)) {
                match = k.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    private Known configured(String name, AuthConfig.TokenConfig token) {
        byte[] hash;
        if (token.sha256().isPresent()) {
            String hex = token.sha256().get().trim().toLowerCase(Locale.ROOT);
            if (!HEX64.matcher(hex).matches()) {
                throw new IllegalStateException("keelson.auth.tokens." + name + ".sha256 must be 64 hex digits");
            }
            hash = HexFormat.of().parseHex(hex);
        } else if (token.secret().isPresent() && token.secret().get().length() >= 16) {
            hash = sha256(token.secret().get());
        } else {
            throw new IllegalStateException(
                    "keelson.auth.tokens." + name + " needs .sha256, or a .secret of at least 16 characters");
        }
        List<Pattern> globs = token.targets().orElse(List.of()).stream()
                .filter(g -> !g.isBlank())
                .map(Caller::glob)
                .toList();
        Role role;
        try {
            role = Role.highestOf(token.roles());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("keelson.auth.tokens." + name + ".roles: " + e.getMessage());
        }
        return new Known(hash, new Caller(name, role, globs, allowList(token, !globs.isEmpty())));
    }

    /** A token scoped to some targets, or with lists of its own, may name only the allowed secret sources. */
    private SecretAllowList allowList(AuthConfig.TokenConfig token, boolean scoped) {
        if (!scoped && token.secretEnv().isEmpty() && token.secretDirs().isEmpty()) {
            return SecretAllowList.ANY;
        }
        return SecretAllowList.within(
                token.secretEnv().orElse(secretSources.envPrefixes()),
                token.secretDirs().orElse(secretSources.dirs()));
    }

    private void generateAdmin() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = "kls_" + HexFormat.of().formatHex(random);
        ApiToken row = new ApiToken();
        row.name = "admin";
        row.sha256 = HexFormat.of().formatHex(sha256(token));
        row.role = Role.ADMIN.name();
        row.createdAt = clock.instant();
        row.persist();
        redactor.register(token);
        // Printed to the console once, on purpose, and never logged: only its hash is kept.
        System.out.println("""

                ==================================================================
                 Keelson generated an admin token (no keelson.auth.tokens.* set).
                 It is shown only this once; only its hash is stored:

                   %s

                 Configure keelson.auth.tokens.<name>.sha256 for real use.
                ==================================================================
                """.formatted(token));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
