package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.keelson.catalog.DockerSpec;
import io.keelson.registry.Credentials;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.ContainerState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Docker engine (docker-java). Typed commands where docker-java has them; raw Engine API JSON
 * for inspect and create, because the typed container config silently drops fields (StopSignal,
 * StopTimeout, some HostConfig) and a recreated container must keep everything. The API version is
 * never pinned: docker-java negotiates, and raw paths use the engine's own current version.
 */
public final class DockerEngine implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every call waits this long for the engine's answer; a stop must fit inside it. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(5);
    /** The longest graceful stop Keelson asks for, a margin below {@link #RESPONSE_TIMEOUT}. */
    public static final int MAX_STOP_SECONDS = 240;

    /**
     * A container as the engine lists it, without inspecting it.
     *
     * @param image the reference it was created from, or the image id when that reference now names another image
     * @param imageId the id of the image it runs
     */
    public record Listed(String id, String name, Map<String, String> labels, String image, String imageId) {}

    private final String host;
    private final DockerHttpClient http;
    private final DockerClient client;
    private final Set<ExecStream> streams = ConcurrentHashMap.newKeySet();

    private DockerEngine(String host, DockerHttpClient http, DockerClient client) {
        this.host = host;
        this.http = http;
        this.client = client;
    }

    public static DockerEngine connect(DockerSpec spec) {
        return connect(spec, 20);
    }

    /** An engine client that opens at most {@code maxConnections} connections to it at once. */
    public static DockerEngine connect(DockerSpec spec, int maxConnections) {
        String host = spec == null ? DockerSpec.LOCAL : spec.effectiveHost();
        DefaultDockerClientConfig.Builder builder =
                DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host);
        if (spec != null && spec.tls() != null) {
            builder.withDockerTlsVerify(true).withDockerCertPath(spec.tls().certPath());
        } else {
            builder.withDockerTlsVerify(false);
        }
        DockerClientConfig config = builder.build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(RESPONSE_TIMEOUT)
                .build();
        return new DockerEngine(host, http, DockerClientImpl.getInstance(config, http));
    }

    public String host() {
        return host;
    }

    public boolean ping() {
        try {
            client.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public List<Listed> runningContainers() {
        return client.listContainersCmd().withShowAll(false).exec().stream()
                .map(DockerEngine::listed)
                .toList();
    }

    /** Every container, running or not, whose name contains {@code fragment}. */
    public List<Listed> containersNamedLike(String fragment) {
        return client.listContainersCmd().withShowAll(true).withNameFilter(List.of(fragment)).exec().stream()
                .map(DockerEngine::listed)
                .filter(c -> c.name().contains(fragment))
                .toList();
    }

    /** {@code GET /containers/{id}/json}, as the engine wrote it. */
    public Optional<ObjectNode> inspectContainer(String idOrName) {
        return getJson("/containers/" + encode(idOrName) + "/json");
    }

    /** A container's state as the health gate reads it; null when there is no such container. */
    public ContainerState state(String idOrName) {
        return inspectContainer(idOrName).map(Recreator::state).orElse(null);
    }

    /** {@code GET /images/{name}/json}, as the engine wrote it. */
    public Optional<ObjectNode> inspectImage(String nameOrId) {
        return getJson("/images/" + nameOrId + "/json");
    }

    /** Pulls a tag or a digest; throws with the engine's message when it fails. */
    public void pull(ImageRef ref, Optional<Credentials> credentials, String registryHost) {
        var cmd = client.pullImageCmd(ref.repository());
        if (ref.digest() != null) {
            cmd = client.pullImageCmd(ref.repository() + "@" + ref.digest());
        } else {
            cmd = cmd.withTag(ref.effectiveTag());
        }
        if (credentials.isPresent()) {
            cmd = cmd.withAuthConfig(new AuthConfig()
                    .withUsername(credentials.get().username())
                    .withPassword(credentials.get().password())
                    .withRegistryAddress(registryHost));
        }
        try {
            if (!cmd.start().awaitCompletion(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("pulling " + ref + " did not finish within 30 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pulling " + ref, e);
        }
    }

    /** Points {@code repository:tag} at an image already here (a rollback keeps the tag in the config). */
    public void tag(String imageId, String repository, String tag) {
        client.tagImageCmd(imageId, repository, tag).withForce(true).exec();
    }

    /** {@code POST /containers/create} with a body built from an earlier inspect; returns the new id. */
    public String create(String name, ObjectNode body) {
        ObjectNode created = send("POST", "/containers/create?name=" + encode(name), body)
                .orElseThrow(() -> new IllegalStateException("the engine returned nothing for create " + name));
        return created.path("Id").asText();
    }

    public void connect(String network, String containerId, JsonNode endpointConfig) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Container", containerId);
        body.set("EndpointConfig", endpointConfig);
        send("POST", "/networks/" + encode(network) + "/connect", body);
    }

    public void start(String id) {
        try {
            client.startContainerCmd(id).exec();
        } catch (NotModifiedException alreadyRunning) {
            // Already running is what we wanted.
        }
    }

    public void stop(String id, int timeoutSeconds) {
        try {
            client.stopContainerCmd(id).withTimeout(timeoutSeconds).exec();
        } catch (NotModifiedException alreadyStopped) {
            // Already stopped is what we wanted.
        }
    }

    public void rename(String id, String newName) {
        client.renameContainerCmd(id).withName(newName).exec();
    }

    public void remove(String id) {
        try {
            client.removeContainerCmd(id)
                    .withForce(true)
                    .withRemoveVolumes(false)
                    .exec();
        } catch (NotFoundException gone) {
            // Already gone.
        }
    }

    /** Removes an image no container uses; answers false when something still does. */
    public boolean removeImageIfUnused(String imageId) {
        try {
            client.removeImageCmd(imageId).withForce(false).exec();
            return true;
        } catch (RuntimeException inUseOrGone) {
            return false;
        }
    }

    /**
     * Runs {@code argv} in a running container ({@code docker exec}, no shell in between) and waits up
     * to {@code timeout} for it to end; throws when it does not.
     */
    public ContainerExec.Result exec(String containerId, List<String> argv, Duration timeout) {
        return ContainerExec.run(client, host, containerId, argv, timeout);
    }

    /** {@code argv} kept running in a container, stdin open ({@link ExecStream}); closing this client closes it. */
    public ExecStream openExec(String containerId, List<String> argv) {
        return ExecStream.open(client, containerId, argv, streams);
    }

    /** Creates a named volume, or answers the one of that name that exists. */
    public void createVolume(String name) {
        send("POST", "/volumes/create", JSON.createObjectNode().put("Name", name));
    }

    @Override
    public void close() {
        List.copyOf(streams).forEach(ExecStream::close);
        try {
            client.close();
        } catch (IOException ignored) {
            // Nothing useful to do about a client that will not close.
        }
    }

    private Optional<ObjectNode> getJson(String path) {
        return send("GET", path, null);
    }

    private Optional<ObjectNode> send(String method, String path, JsonNode body) {
        DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.valueOf(method))
                .path(path);
        if (body != null) {
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            request.putHeader("Content-Type", "application/json").body(new ByteArrayInputStream(bytes));
        }
        try (DockerHttpClient.Response response = http.execute(request.build());
                InputStream in = response.getBody()) {
            byte[] answer = in == null ? new byte[0] : in.readAllBytes();
            int status = response.getStatusCode();
            if (status == 404 && method.equals("GET")) {
                return Optional.empty();
            }
            if (status >= 300) {
                String message = new String(answer, StandardCharsets.UTF_8);
                try {
                    message = JSON.readTree(answer).path("message").asText(message);
                } catch (IOException notJson) {
                    // keep the raw text
                }
                throw new IllegalStateException(
                        "engine " + host + ": " + method + " " + path + " answered " + status + ": " + message.strip());
            }
            if (answer.length == 0) {
                return Optional.empty();
            }
            JsonNode node = JSON.readTree(answer);
            return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("engine " + host + " cannot be reached: " + e.getMessage(), e);
        }
    }

    private static Listed listed(Container c) {
        String name =
                c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
        return new Listed(
                c.getId(), name, c.getLabels() == null ? Map.of() : c.getLabels(), c.getImage(), c.getImageId());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
