package io.keelson.registry;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * Asks a registry which digest a tag names, with a {@code HEAD} on the manifest: no pull, and no
 * pull quota spent; and reads the small manifests and blobs a signature is made of. Speaks the anonymous, basic and bearer-token flows, remembers tokens until they
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
    static final int MAX_TOKEN_BODY = RegistryTokens.MAX_TOKEN_BODY;

    /** What a registry said about a tag. */
    public sealed interface Answer permits Digest, Failed {}

    public record Digest(String digest) implements Answer {}

    public record Failed(String reason) implements Answer, Content {}

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            // Never follow: a redirect to another host would carry the Authorization header along.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Map<String, Instant> backoff = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration timeout;
    private final RegistryTokens tokens;

    public RegistryClient(MeterRegistry meters, Clock clock, RegistryConfig config) {
        this.meters = meters;
        this.clock = clock;
        this.timeout = config.timeout();
        this.tokens = new RegistryTokens(http, clock, timeout);
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
        String path = RegistryHost.path(ref);
        String reference = ref.digest() != null ? ref.digest() : ref.effectiveTag();
        try {
            HttpResponse<Void> response = exchange(
                    ref, "manifests/" + reference, "HEAD", ACCEPT, HttpResponse.BodyHandlers.discarding(), credentials);
            return interpret(response, host, path, reference);
        } catch (NoAccess e) {
            return new Failed(e.getMessage());
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

    /** What a registry gave for a manifest or blob read: its bytes, nothing (404), or why not. */
    public sealed interface Content permits Body, Missing, Failed {}

    /** @param mediaType the answer's Content-Type, null without one */
    public record Body(byte[] bytes, String mediaType) implements Content {}

    public record Missing() implements Content {}

    /**
     * Reads {@code manifests/<reference>} or {@code blobs/<digest>} of {@code repository}'s repository,
     * at most {@code maxBytes}: for the signature a deployment's digest must carry. Counted as
     * {@code keelson_registry_reads_total}, and held back like the digest checks by a rate limit.
     */
    public Content read(ImageRef repository, String what, int maxBytes, CredentialSource credentials) {
        String host = RegistryHost.of(repository);
        Content content = fetch(repository, host, what, maxBytes, credentials);
        meters.counter(
                        "keelson.registry.reads",
                        "registry",
                        host,
                        "result",
                        content instanceof Failed ? "failed" : content instanceof Missing ? "missing" : "ok")
                .increment();
        return content;
    }

    private Content fetch(ImageRef repository, String host, String what, int maxBytes, CredentialSource credentials) {
        String path = RegistryHost.path(repository);
        try {
            HttpResponse<InputStream> response =
                    exchange(repository, what, "GET", ACCEPT, HttpResponse.BodyHandlers.ofInputStream(), credentials);
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status == 404) {
                    return new Missing();
                }
                if (status == 429) {
                    backoff.put(host, clock.instant().plus(retryAfter(response)));
                }
                if (status != 200) {
                    return new Failed("registry " + host + " answered HTTP " + status + " for " + path + "/" + what);
                }
                byte[] bytes = body.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    return new Failed("registry " + host + " answered more than " + maxBytes + " bytes for " + path
                            + "/" + what + "; refused");
                }
                return new Body(
                        bytes, response.headers().firstValue("Content-Type").orElse(null));
            }
        } catch (NoAccess | IllegalStateException e) {
            return new Failed(e.getMessage());
        } catch (IOException e) {
            return new Failed("registry " + host + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted while asking " + host);
        }
    }

    /** A registry that refused access, as the reason a read failed. */
    private static final class NoAccess extends Exception {
        NoAccess(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One request to the repository's {@code /v2/<path>/<what>}, answering the registry's challenge
     * once when it asks for credentials.
     */
    private <T> HttpResponse<T> exchange(
            ImageRef ref,
            String what,
            String method,
            String accept,
            HttpResponse.BodyHandler<T> handler,
            CredentialSource credentials)
            throws IOException, InterruptedException, NoAccess {
        String host = RegistryHost.of(ref);
        Instant until = backoff.get(host);
        if (until != null && clock.instant().isBefore(until)) {
            throw new NoAccess("registry " + host + " asked to wait until " + until + " (rate limit); not asked");
        }
        String path = RegistryHost.path(ref);
        URI uri = URI.create(RegistryHost.scheme(host) + "://" + host + "/v2/" + path + "/" + what);
        String scope = "repository:" + path + ":pull";
        Optional<Credentials> creds = credentials.forRegistry(host);
        HttpResponse<T> response = send(uri, method, accept, tokens.cached(host, scope), handler);
        if (response.statusCode() != 401) {
            return response;
        }
        if (response.body() instanceof InputStream unread) {
            unread.close();
        }
        Optional<String> authorization =
                tokens.authorize(response.headers(), host, scope, creds, credentials.realmHosts());
        if (authorization.isEmpty()) {
            throw new NoAccess("registry " + host + " refused access to " + path
                    + (creds.isEmpty()
                            ? " and no credentials are configured for it"
                            : " with the configured credentials"));
        }
        return send(uri, method, accept, authorization.get(), handler);
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

    private <T> HttpResponse<T> send(
            URI uri, String method, String accept, String authorization, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody()) // HEAD() is Java 18+
                .header("Accept", accept);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), handler);
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
    private Duration retryAfter(HttpResponse<?> response) {
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
}
