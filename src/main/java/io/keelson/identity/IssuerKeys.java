package io.keelson.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * One issuer's signing keys, found through its discovery document and fetched over HTTPS, then
 * cached. A token naming a key Keelson has not seen makes it fetch again, at most once a minute, so
 * a flood of made-up key ids costs the issuer one request a minute. Only the request that starts a
 * fetch waits for it (at most two bounded HTTPS calls); one that comes while a fetch runs is judged
 * on the cached keys at once, so a slow issuer and a flood of unknown key ids together cannot tie up
 * Keelson's request threads. A fetch that fails leaves the cached keys in use, so an issuer that is
 * down stops no pipeline whose key Keelson already holds.
 */
final class IssuerKeys {

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_DOCUMENT = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String issuer;
    private final String caFile;
    private final Duration refetchAfter;
    private final Clock clock;
    private HttpClient http; // built at the first fetch, so a ca-file mounted after the start is read
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Map<String, Key> keys = Map.of();
    private volatile Instant lastFetch;

    IssuerKeys(String name, String issuer, String caFile, Duration refetchAfter, Clock clock) {
        this.name = name;
        this.issuer = issuer;
        this.caFile = caFile;
        this.refetchAfter = refetchAfter;
        this.clock = clock;
    }

    /** The key {@code kid} names, fetching the keys again if it is unknown and the last fetch is old enough. */
    Optional<Key> key(String kid) {
        Key known = keys.get(kid);
        if (known != null) {
            return Optional.of(known);
        }
        if (!fetching.tryLock()) {
            return Optional.empty(); // a fetch runs: its caller waits for it, no one else does
        }
        try {
            known = keys.get(kid); // another request may have just fetched it
            if (known == null
                    && (lastFetch == null || lastFetch.plus(refetchAfter).isBefore(clock.instant()))) {
                lastFetch = clock.instant();
                fetch();
                known = keys.get(kid);
            }
        } finally {
            fetching.unlock();
        }
        return Optional.ofNullable(known);
    }

    private void fetch() {
        try {
            String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
            JsonNode discovery = JSON.readTree(get(base + "/.well-known/openid-configuration"));
            if (!issuer.equals(discovery.path("issuer").asText())) {
                throw new IOException("its discovery document names issuer '"
                        + discovery.path("issuer").asText() + "'");
            }
            String jwksUri = discovery.path("jwks_uri").asText();
            if (!jwksUri.startsWith("https://")) {
                throw new IOException("its jwks_uri is not an https:// address");
            }
            Map<String, Key> fresh = new HashMap<>();
            for (JsonWebKey jwk : new JsonWebKeySet(get(jwksUri)).getJsonWebKeys()) {
                if (jwk.getKeyId() != null && !"enc".equals(jwk.getUse())) {
                    fresh.put(jwk.getKeyId(), jwk.getKey());
                }
            }
            keys = Map.copyOf(fresh);
            LOG.infof("auth: issuer %s: %d signing key(s) fetched", name, fresh.size());
        } catch (IOException | JoseException | RuntimeException e) {
            LOG.warnf(
                    "auth: issuer %s: fetching its keys failed, the %d cached stay in use: %s",
                    name, keys.size(), e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String get(String url) throws IOException, InterruptedException {
        if (!url.startsWith("https://")) {
            throw new IOException(url + " is not an https:// address");
        }
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .sslContext(IssuerTrust.context(caFile))
                    .build();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<InputStream> answer;
        try {
            answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(url + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
        // The request's timeout ends at the headers; the body gets its own bound, so an issuer that
        // never finishes its answer cannot hold the fetch (and every request waiting for it).
        InputStream body = answer.body();
        try {
            if (answer.statusCode() != 200) {
                throw new IOException(url + " answered " + answer.statusCode());
            }
            byte[] bytes = CompletableFuture.supplyAsync(() -> {
                        try {
                            return body.readNBytes(MAX_DOCUMENT + 1);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (bytes.length > MAX_DOCUMENT) {
                throw new IOException(url + " sent more than " + MAX_DOCUMENT + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(url + " did not finish its answer within " + TIMEOUT.toSeconds() + " s", e);
        } finally {
            body.close();
        }
    }
}
