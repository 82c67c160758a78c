package io.keelson.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials stay with the registry they belong to: another registry, a token realm on another
 * host, or a redirect never receives them. The registries here are small local servers that record
 * every Authorization header they are sent.
 */
class CredentialBindingTest {

    private static final Credentials SECRET = new Credentials("ci", "bound-registry-password");

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final RegistryClient client =
            new RegistryClient(new SimpleMeterRegistry(), Clock.systemUTC(), () -> Duration.ofSeconds(15));

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void fixedCredentialsAreOnlyHandedOutForTheirOwnRegistry() {
        CredentialSource fixed = new CredentialSource.Fixed("registry.example.com", SECRET, Set.of());

        assertThat(fixed.forRegistry("registry.example.com")).contains(SECRET);
        assertThat(fixed.forRegistry("ghcr.io")).isEmpty();
        assertThat(new CredentialSource.Fixed("docker.io", SECRET, Set.of()).forRegistry(RegistryHost.DOCKER_HUB))
                .contains(SECRET);
    }

    @Test
    void aPublicImageOnAnotherRegistryIsAskedAnonymously() throws IOException {
        int other = registry("Basic realm=\"other\"");
        CredentialSource fixed = new CredentialSource.Fixed("127.0.0.1:1", SECRET, Set.of());

        RegistryClient.Answer answer = client.digestOf(ImageRef.parse("127.0.0.1:" + other + "/team/app:1"), fixed);

        assertThat(answer).isInstanceOf(RegistryClient.Failed.class);
        assertThat(authorizations).isNotEmpty().allMatch(String::isEmpty);
    }

    @Test
    void aTokenRealmOnAnotherHostGetsNoCredentialsUnlessTheCatalogTrustsIt() throws IOException {
        int realm = tokenService();
        int reg = registry("Bearer realm=\"http://127.0.0.1:" + realm + "/token\",service=\"test\"");
        String registryHost = "127.0.0.1:" + reg;
        ImageRef ref = ImageRef.parse(registryHost + "/team/app:1");

        client.digestOf(ref, new CredentialSource.Fixed(registryHost, SECRET, Set.of()));
        assertThat(authorizations).as("sent to the untrusted realm").noneMatch(a -> a.startsWith("Basic"));

        client.digestOf(ref, new CredentialSource.Fixed(registryHost, SECRET, Set.of("127.0.0.1:" + realm)));
        assertThat(authorizations)
                .as("sent to the realm the catalog trusts")
                .anyMatch(a -> a.equals(SECRET.basicHeader()));
    }

    @Test
    void aRedirectIsNotFollowedWithTheCredentials() throws IOException {
        int elsewhere = registry("Basic realm=\"elsewhere\"");
        HttpServer redirecting = server();
        redirecting.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add("redirector:" + auth);
            if (auth == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
                exchange.sendResponseHeaders(401, -1);
            } else {
                exchange.getResponseHeaders()
                        .add("Location", "http://127.0.0.1:" + elsewhere + exchange.getRequestURI());
                exchange.sendResponseHeaders(307, -1);
            }
            exchange.close();
        });
        String host = "127.0.0.1:" + redirecting.getAddress().getPort();

        RegistryClient.Answer answer = client.digestOf(
                ImageRef.parse(host + "/team/app:1"), new CredentialSource.Fixed(host, SECRET, Set.of()));

        assertThat(answer).isInstanceOf(RegistryClient.Failed.class);
        assertThat(authorizations).allMatch(a -> a.startsWith("redirector:"));
    }

    /** A registry that challenges every request and records the Authorization header ("" when none). */
    private int registry(String challenge) throws IOException {
        HttpServer s = server();
        s.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        return s.getAddress().getPort();
    }

    /** A token service that records what it was sent and hands out a token to anyone. */
    private int tokenService() throws IOException {
        HttpServer s = server();
        s.createContext("/token", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            byte[] body = "{\"token\": \"t\", \"expires_in\": 300}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        return s.getAddress().getPort();
    }

    private HttpServer server() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.start();
        servers.add(s);
        return s;
    }
}
