package io.keelson.strategy.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RepoDigests;
import io.keelson.strategy.ContainerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the JSON that {@code docker inspect} prints on a host. */
final class DockerJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerJson() {}

    /**
     * The container's image id, the reference it was created from ({@code Config.Image}) and its
     * state, from {@code docker inspect --type container}.
     */
    record Container(String id, String imageId, String configImage, ContainerState state) {}

    static Container container(String inspectOutput) {
        JsonNode node = first(inspectOutput);
        JsonNode state = node.path("State");
        String policy =
                node.path("HostConfig").path("RestartPolicy").path("Name").asText("");
        ContainerState s = new ContainerState(
                state.path("Status").asText("unknown"),
                state.path("Running").asBoolean(false),
                state.path("Restarting").asBoolean(false),
                state.path("ExitCode").asInt(0),
                state.path("Health").isMissingNode() || state.path("Health").isNull()
                        ? null
                        : state.path("Health").path("Status").asText(null),
                state.path("StartedAt").asText(""),
                node.path("RestartCount").asInt(0),
                policy.isEmpty() || "no".equals(policy));
        return new Container(
                node.path("Id").asText(),
                node.path("Image").asText(),
                node.path("Config").path("Image").asText(null),
                s);
    }

    /** The digest under which {@code image}'s repository knows the image, from its {@code RepoDigests} as JSON. */
    static Optional<String> digestFor(String repoDigestsJson, ImageRef image) {
        try {
            JsonNode array = JSON.readTree(repoDigestsJson.trim());
            List<String> entries = new ArrayList<>();
            array.forEach(e -> entries.add(e.asText()));
            return RepoDigests.digestFor(entries, image);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unexpected RepoDigests output: " + repoDigestsJson.trim(), e);
        }
    }

    /** The digest {@code docker pull} reports on its {@code Digest: sha256:…} line, when it printed one. */
    static Optional<String> digestInPullOutput(String stdout) {
        return stdout.lines()
                .map(String::trim)
                .filter(l -> l.startsWith("Digest: "))
                .map(l -> l.substring("Digest: ".length()).trim())
                .filter(ImageRef::isDigest)
                .reduce((first, second) -> second);
    }

    private static JsonNode first(String output) {
        try {
            JsonNode node = JSON.readTree(output.trim());
            if (node.isArray() && !node.isEmpty()) {
                return node.get(0);
            }
            throw new IllegalArgumentException("docker inspect returned no container");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("docker inspect output does not parse", e);
        }
    }
}
