package io.keelson.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Answers a registry's {@code 401} challenge: basic with the credentials, or a bearer token from
 * its realm, remembered per registry and scope until it expires. Credentials go to the registry
 * itself and to realms the catalog trusts, never elsewhere.
 */
final class RegistryTokens {

    /** Real token answers are a few KiB (a JWT or two); more is a realm misbehaving. */
    static final int MAX_TOKEN_BODY = 64 * 1024;

    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(RegistryTokens.class);

    private record Token(String value, Instant expires) {}

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;

    RegistryTokens(HttpClient http, Clock clock, Duration timeout) {
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** The Authorization header a token cached for this registry and scope gives; null without one. */
    String cached(String host, String scope) {
        Token token = tokens.get(host + " " + scope);
        return token != null && clock.instant().isBefore(token.expires()) ? token.value() : null;
    }

    /** The Authorization header that answers {@code challenge}; empty when access cannot be had. */
    Optional<String> authorize(
            HttpHeaders challenge, String host, String scope, Optional<Credentials> creds, Set<String> realmHosts)
            throws IOException, InterruptedException {
        String header = challenge.firstValue("WWW-Authenticate").orElse("");
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
