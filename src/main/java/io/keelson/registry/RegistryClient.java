package io.keelson.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Asks a registry which digest a tag names, with a {@code HEAD} on the manifest: no pull, and no
 * pull quota spent. Speaks the anonymous, basic and bearer-token flows, remembers tokens until they
 * expire, and backs off from a registry that answers 429 or reports its rate limit used up.
 */
@ApplicationScoped
public class RegistryClient {

    /** All four, or registry 2.8 answers a schema-1 manifest whose digest matches nothing local. */
    static final String ACCEPT = String.join(
            ", ",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");

    /** The longest a registry may make Keelson wait: Docker Hub's own rate-limit window. */
    static final Duration MAX_BACKOFF = Duration.ofHours(6);
    /** Real token answers are a few KiB (a JWT or two); more is a realm misbehaving. */
    static final int MAX_TOKEN_BODY = 64 * 1024;

    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(RegistryClient.class);

    /** What a registry said about a tag. */
    public sealed interface Answer permits Digest, Failed {}

    public record Digest(String digest) implements Answer {}

    public record Failed(String reason) implements Answer {}

    private record Token(String value, Instant expires) {}

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            // Never follow: a redirect to another host would carry the Authorization header along.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> backoff = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration timeout;

    public RegistryClient(MeterRegistry meters, Clock clock, RegistryConfig config) {
        this.meters = meters;
        this.clock = clock;
        this.timeout = config.timeout();
    }

    /** The digest the registry holds for {@code ref}'s tag; never pulls. */
    public Answer digestOf(ImageRef ref, CredentialSource credentials) {
        String host = RegistryHost.of(ref);
        Answer answer = ask(ref, host, credentials);
        meters.counter(
                        "keelson.registry.checks",
                        "registry",
                        host,
                        "result",
                        answer instanceof Digest ? "ok" : "failed")
                .increment();
        return answer;
    }

    private Answer ask(ImageRef ref, String host, CredentialSource credentials) {
        Instant until = backoff.get(host);
        if (until != null && clock.instant().isBefore(until)) {
            return new Failed("registry " + host + " asked to wait until " + until + " (rate limit); not asked");
        }
        String path = RegistryHost.path(ref);
        String reference = ref.digest() != null ? ref.digest() : ref.effectiveTag();
        URI uri = URI.create(RegistryHost.scheme(host) + "://" + host + "/v2/" + path + "/manifests/" + reference);
        String scope = "repository:" + path + ":pull";
        try {
            Optional<Credentials> creds = credentials.forRegistry(host);
            HttpResponse<Void> response = head(uri, cachedAuthorization(host, scope));
            if (response.statusCode() == 401) {
                Optional<String> authorization = authorize(response, host, scope, creds, credentials.realmHosts());
                if (authorization.isEmpty()) {
                    return new Failed("registry " + host + " refused access to " + path
                            + (creds.isEmpty()
                                    ? " and no credentials are configured for it"
                                    : " with the configured credentials"));
                }
                response = head(uri, authorization.get());
            }
            return interpret(response, host, path, reference);
        } catch (IOException e) {
            return new Failed("registry " + host + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted while asking " + host);
        } catch (IllegalStateException e) {
            return new Failed(e.getMessage());
        } catch (RuntimeException e) {
            // Whatever a registry answers fails this image's check only, never the whole watch check.
            return new Failed(
                    "registry " + host + " gave an answer Keelson cannot use for " + path + ":" + reference + ": " + e);
        }
    }

    private Answer interpret(HttpResponse<Void> response, String host, String path, String reference) {
        int status = response.statusCode();
        response.headers().firstValue("ratelimit-remaining").ifPresent(remaining -> noteRateLimit(host, remaining));
        if (status == 200) {
            return response.headers()
                    .firstValue("Docker-Content-Digest")
                    .filter(ImageRef::isDigest)
                    .<Answer>map(Digest::new)
                    .orElseGet(() -> new Failed("registry " + host + " answered without a Docker-Content-Digest for "
                            + path + ":" + reference));
        }
        if (status == 429) {
            Instant until = clock.instant().plus(retryAfter(response));
            backoff.put(host, until);
            return new Failed("registry " + host + " is rate limiting (429); next try after " + until);
        }
        if (status == 404) {
            return new Failed("registry " + host + " has no " + path + ":" + reference);
        }
        return new Failed("registry " + host + " answered HTTP " + status + " for " + path + ":" + reference);
    }

    private HttpResponse<Void> head(URI uri, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()) // HEAD() is Java 18+
                .header("Accept", ACCEPT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    private String cachedAuthorization(String host, String scope) {
        Token token = tokens.get(host + " " + scope);
        return token != null && clock.instant().isBefore(token.expires()) ? token.value() : null;
    }

    /** Answers the registry's challenge: basic with the credentials, or a bearer token from its realm. */
    private Optional<String> authorize(
            HttpResponse<Void> challenge,
            String host,
            String scope,
            Optional<Credentials> creds,
            java.util.Set<String> realmHosts)
            throws IOException, InterruptedException {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        if (header.regionMatches(true, 0, "Basic", 0, 5)) {
            return creds.map(Credentials::basicHeader);
        }
        if (!header.regionMatches(true, 0, "Bearer", 0, 6)) {
            return Optional.empty();
        }
        Map<String, String> params = new ConcurrentHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(header);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            return Optional.empty();
        }
        URI tokenUri = realmUri(
                host,
                realm + (realm.contains("?") ? "&" : "?")
                        + (params.containsKey("service") ? "service=" + encode(params.get("service")) + "&" : "")
                        + "scope=" + encode(params.getOrDefault("scope", scope)));
        if (!tokenUri.getScheme().equals("https")
                && !RegistryHost.scheme(tokenUri.getAuthority()).equals("http")) {
            throw new IllegalStateException(
                    "registry " + host + " sent a token realm over plain HTTP (" + realm + "); refused");
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(tokenUri).timeout(timeout).GET();
        String realmHost = tokenUri.getAuthority();
        if (realmHost.equals(host) || realmHosts.contains(realmHost) || RegistryHost.knownRealm(host, realmHost)) {
            creds.ifPresent(c -> request.header("Authorization", c.basicHeader()));
        } else if (creds.isPresent()) {
            // The realm is elsewhere and the catalog did not trust it: ask for an anonymous token instead.
            LOG.warnf(
                    "registry %s names token realm %s on another host; credentials not sent there (list it in registryAuth.realmHosts to trust it)",
                    host, realmHost);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        JsonNode body;
        try (InputStream stream = response.body()) {
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            byte[] bytes = stream.readNBytes(MAX_TOKEN_BODY + 1);
            if (bytes.length > MAX_TOKEN_BODY) {
                throw new IllegalStateException("token realm " + realmHost + " of registry " + host
                        + " answered more than " + MAX_TOKEN_BODY / 1024 + " KiB; refused");
            }
            body = JSON.readTree(bytes);
        }
        String token = body.hasNonNull("token")
                ? body.get("token").asText()
                : body.path("access_token").asText(null);
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        long seconds = Math.max(60, body.path("expires_in").asLong(60));
        String value = "Bearer " + token;
        tokens.put(host + " " + scope, new Token(value, clock.instant().plusSeconds(seconds - 10)));
        return Optional.of(value);
    }

    private void noteRateLimit(String host, String remaining) {
        // Docker Hub: "76;w=21600". At zero, stop asking for the window rather than be refused.
        Matcher m = Pattern.compile("^(\\d{1,18})(?:;w=(\\d{1,18}))?").matcher(remaining.trim());
        if (m.find() && Long.parseLong(m.group(1)) <= 0) {
            Duration window = Duration.ofSeconds(m.group(2) == null ? 60 : Long.parseLong(m.group(2)));
            backoff.put(host, clock.instant().plus(bounded(window)));
        }
    }

    /** Retry-After in seconds or as an HTTP date, within 1 s and {@link #MAX_BACKOFF}; 60 s when unreadable. */
    private Duration retryAfter(HttpResponse<Void> response) {
        String value = response.headers().firstValue("Retry-After").orElse("60").trim();
        try {
            return bounded(
                    value.matches("[0-9]{1,18}")
                            ? Duration.ofSeconds(Long.parseLong(value))
                            : Duration.between(
                                    clock.instant(),
                                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                            .toInstant()));
        } catch (RuntimeException unparsable) {
            return Duration.ofSeconds(60);
        }
    }

    private static Duration bounded(Duration wait) {
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            return MAX_BACKOFF;
        }
        return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
    }

    /** The realm a challenge names, which must be an absolute http(s) URL. */
    private static URI realmUri(String host, String realm) {
        try {
            URI uri = new URI(realm);
            if (uri.getScheme() != null
                    && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    && uri.getRawAuthority() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalStateException(
                "registry " + host + " named a token realm that is not an absolute http(s) URL ("
                        + realm.substring(0, Math.min(realm.length(), 200)) + "); refused");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
