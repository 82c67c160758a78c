package io.keelson.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever a registry or its token realm answers, it fails the check of that one image with a
 * reason, within bounds: nothing escapes to fail the whole watch check, no wait is unbounded and no
 * answer is read whole into memory. The registry here is a small local server.
 */
class MalformedAnswersTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final RegistryClient client = new RegistryClient(
            new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC), () -> Duration.ofSeconds(15));
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anEnormousRetryAfterWaitsNoLongerThanTheCap() {
        String host = registry(Map.of("status", "429", "Retry-After", "99999999999999999"));

        RegistryClient.Answer answer = ask(host);

        assertThat(answer).isInstanceOf(RegistryClient.Failed.class);
        assertThat(((RegistryClient.Failed) answer).reason())
                .contains("429")
                .contains(NOW.plus(RegistryClient.MAX_BACKOFF).toString());
    }

    @Test
    void anEnormousRateLimitWindowWaitsNoLongerThanTheCap() {
        String host = registry(Map.of("status", "200", "ratelimit-remaining", "0;w=99999999999999999999"));

        assertThat(ask(host)).isEqualTo(new RegistryClient.Digest(DIGEST));
        assertThat(((RegistryClient.Failed) ask(host)).reason())
                .contains("wait until " + NOW.plus(RegistryClient.MAX_BACKOFF));
    }

    @Test
    void aRemainingCountTooLongForANumberIsNotAnError() {
        String host = registry(Map.of("status", "200", "ratelimit-remaining", "123456789012345678901234567890"));

        assertThat(ask(host)).isEqualTo(new RegistryClient.Digest(DIGEST));
    }

    @Test
    void aRelativeOrMalformedRealmFailsOnlyThisImage() {
        for (String realm : new String[] {"/token", "http://bad host/token", "ftp://127.0.0.1/token"}) {
            String host = registry(Map.of("status", "401", "WWW-Authenticate", "Bearer realm=\"" + realm + "\""));

            RegistryClient.Answer answer = ask(host);

            assertThat(answer).as(realm).isInstanceOf(RegistryClient.Failed.class);
            assertThat(((RegistryClient.Failed) answer).reason()).as(realm).contains("not an absolute http(s) URL");
            stop();
        }
    }

    @Test
    void aTokenAnswerPastTheCapIsRefused() {
        String host = registry(Map.of("status", "401", "token", "x".repeat(RegistryClient.MAX_TOKEN_BODY)));

        RegistryClient.Answer answer = ask(host);

        assertThat(answer).isInstanceOf(RegistryClient.Failed.class);
        assertThat(((RegistryClient.Failed) answer).reason()).contains("more than 64 KiB");
    }

    private RegistryClient.Answer ask(String host) {
        return client.digestOf(ImageRef.parse(host + "/team/app:1"), new CredentialSource.None());
    }

    /**
     * A registry answering manifests with {@code status} and the other entries as headers; with
     * {@code token}, it challenges until a bearer token comes from its own /token, which pads its
     * answer with that text.
     */
    private String registry(Map<String, String> answer) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", exchange -> {
            byte[] body = ("{\"token\": \"t\", \"padding\": \"" + answer.get("token") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/v2/", exchange -> {
            if (answer.containsKey("token")) {
                boolean authorized =
                        "Bearer t".equals(exchange.getRequestHeaders().getFirst("Authorization"));
                reply(
                        exchange,
                        authorized ? 200 : 401,
                        Map.of("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\""));
                return;
            }
            Map<String, String> headers = new HashMap<>(answer);
            reply(exchange, Integer.parseInt(headers.remove("status")), headers);
        });
        server.start();
        return host;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
