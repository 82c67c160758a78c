package io.keelson.identity;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.Key;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies CI ID tokens with jose4j against the configured issuers: RS256 or ES256 by a key the
 * issuer publishes and names with {@code kid}; {@code iss}, {@code aud}, {@code exp} and {@code jti}
 * required, {@code nbf} when present, 60 s of leeway. A token of an issuer not configured is refused
 * before any key is looked for.
 */
@ApplicationScoped
public class IdTokens {

    /** Longer than any CI's ID token: a bigger bearer is refused before it is parsed. */
    static final int MAX_LENGTH = 16 * 1024;

    private record Trusted(String name, IdentitySettings.Issuer settings, IssuerKeys keys) {}

    private final Map<String, Trusted> byIssuer;
    private final Clock clock;

    public IdTokens(IdentitySettings settings, Clock clock) {
        this.clock = clock;
        Map<String, Trusted> trusted = new HashMap<>();
        settings.oidc().forEach((name, issuer) -> {
            if (!issuer.issuer().startsWith("https://")) {
                throw new IllegalStateException("keelson.auth.oidc." + name + ".issuer must be an https:// address");
            }
            if (issuer.audience().isBlank()) {
                throw new IllegalStateException("keelson.auth.oidc." + name + ".audience must not be empty");
            }
            trusted.put(
                    issuer.issuer(),
                    new Trusted(
                            name,
                            issuer,
                            new IssuerKeys(
                                    name,
                                    issuer.issuer(),
                                    issuer.caFile().orElse(null),
                                    settings.oidcKeyRefetch(),
                                    clock)));
        });
        this.byIssuer = Map.copyOf(trusted);
    }

    /** Whether any issuer is configured: without one, a bearer is only ever a Keelson token. */
    public boolean configured() {
        return !byIssuer.isEmpty();
    }

    /** Whether {@code bearer} has a JWT's shape (three dot-separated parts), as no Keelson token has. */
    public static boolean looksLikeJwt(String bearer) {
        return bearer.chars().filter(c -> c == '.').count() == 2;
    }

    /** The verified token, or why it does not verify. */
    public IdToken verify(String jwt) throws IdTokenRejected {
        if (jwt.length() > MAX_LENGTH) {
            throw new IdTokenRejected("the ID token is longer than " + MAX_LENGTH + " characters");
        }
        JwtContext parsed;
        String iss;
        try {
            parsed = new JwtConsumerBuilder()
                    .setSkipAllValidators()
                    .setDisableRequireSignature()
                    .setSkipSignatureVerification()
                    .build()
                    .process(jwt);
            iss = parsed.getJwtClaims().getIssuer();
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw new IdTokenRejected("not a JWT Keelson can read");
        }
        Trusted trusted = iss == null ? null : byIssuer.get(iss);
        if (trusted == null) {
            throw new IdTokenRejected("iss: " + shorten(String.valueOf(iss)) + " is not an issuer Keelson trusts"
                    + " (keelson.auth.oidc.<name>.issuer)");
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256))
                .setVerificationKeyResolver((jws, nesting) -> {
                    String kid = jws.getKeyIdHeaderValue();
                    if (kid == null) {
                        throw new UnresolvableKeyException("the token names no key (kid)");
                    }
                    Optional<Key> key = trusted.keys().key(kid);
                    return key.orElseThrow(() -> new UnresolvableKeyException(
                            "key " + shorten(kid) + " is not among the keys issuer " + trusted.name() + " publishes"));
                })
                .setExpectedIssuer(iss)
                .setExpectedAudience(trusted.settings().audience())
                .setRequireExpirationTime()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds((int) SpentTokenIds.LEEWAY.toSeconds())
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .build();
        try {
            consumer.processContext(parsed);
            JwtClaims claims = parsed.getJwtClaims();
            return new IdToken(
                    trusted.name(),
                    iss,
                    strings(claims),
                    claims.getJwtId(),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
        } catch (InvalidJwtException e) {
            throw new IdTokenRejected(reason(e));
        } catch (MalformedClaimException e) {
            throw new IdTokenRejected("a claim has the wrong type: " + shorten(e.getMessage()));
        }
    }

    /** What failed, in a check's words; jose4j's own message would quote the token's content. */
    private static String reason(InvalidJwtException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvableKeyException) {
                return "kid: " + cause.getMessage();
            }
            if (cause instanceof InvalidAlgorithmException) {
                return "alg: only RS256 and ES256 are accepted";
            }
        }
        List<ErrorCodeValidator.Error> errors = e.getErrorDetails();
        return errors.isEmpty()
                ? "the token does not verify"
                : errors.stream().map(IdTokens::words).distinct().collect(Collectors.joining("; "));
    }

    private static String words(ErrorCodeValidator.Error error) {
        return switch (error.getErrorCode()) {
            case ErrorCodes.EXPIRED -> "exp: the token has expired";
            case ErrorCodes.EXPIRATION_MISSING -> "exp: the token has no expiry";
            case ErrorCodes.NOT_YET_VALID -> "nbf: the token is not valid yet";
            case ErrorCodes.AUDIENCE_INVALID, ErrorCodes.AUDIENCE_MISSING -> "aud: the token is not for this Keelson";
            case ErrorCodes.ISSUER_INVALID, ErrorCodes.ISSUER_MISSING -> "iss: not the expected issuer";
            case ErrorCodes.JWT_ID_MISSING -> "jti: the token has no id";
            case ErrorCodes.SIGNATURE_INVALID -> "signature: does not verify with the issuer's key";
            case ErrorCodes.SIGNATURE_MISSING -> "signature: the token is not signed";
            default -> "the token does not verify (jose4j check " + error.getErrorCode() + ")";
        };
    }

    /** Scalar claims as strings ({@code true}, {@code 1234}); arrays and objects are left out. */
    private static Map<String, String> strings(JwtClaims claims) {
        Map<String, String> out = new HashMap<>();
        claims.getClaimsMap().forEach((name, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                out.put(name, value.toString());
            }
        });
        return Map.copyOf(out);
    }

    private static String shorten(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}
