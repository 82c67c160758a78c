package io.keelson.strategy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /containers/create} that gives a new container the configuration of an
 * existing one, built from the raw inspect JSON so nothing the engine knows is lost. What came from
 * the old image rather than from the user is left out, so the new image's defaults apply.
 *
 * @param body the create request
 * @param laterNetworks networks to connect, with their endpoint settings, after create and before
 *     start (the Engine API takes only one network at create)
 */
public record CreateBody(ObjectNode body, Map<String, JsonNode> laterNetworks) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern VOLUME_ID = Pattern.compile("[0-9a-f]{64}");
    /** Config fields an image sets as defaults; a container value equal to the old image's was not chosen by the user. */
    private static final List<String> IMAGE_DEFAULTS = List.of(
            "Cmd",
            "Entrypoint",
            "WorkingDir",
            "User",
            "Healthcheck",
            "Volumes",
            "ExposedPorts",
            "StopSignal",
            "Shell",
            "OnBuild");

    private static final Set<String> NO_CONNECT_MODES = Set.of("host", "none");

    public static CreateBody from(ObjectNode inspect, ObjectNode oldImage) {
        String shortId = inspect.path("Id")
                .asText("")
                .substring(0, Math.min(12, inspect.path("Id").asText("").length()));
        ObjectNode config = inspect.path("Config").deepCopy();
        ObjectNode imageConfig = oldImage == null
                ? NODES.objectNode()
                : (ObjectNode) oldImage.path("Config").deepCopy();
        if (shortId.equals(config.path("Hostname").asText())) {
            config.remove("Hostname");
        }
        for (String field : IMAGE_DEFAULTS) {
            if (config.has(field) && config.get(field).equals(imageConfig.get(field))) {
                config.remove(field);
            }
        }
        subtractEnv(config, imageConfig);
        subtractLabels(config, imageConfig);

        ObjectNode hostConfig = inspect.path("HostConfig").deepCopy();
        reattachAnonymousVolumes(inspect, hostConfig);

        ObjectNode body = config;
        body.set("HostConfig", hostConfig);
        Map<String, JsonNode> later = new LinkedHashMap<>();
        String mode = hostConfig.path("NetworkMode").asText("default");
        ObjectNode networks = (ObjectNode) inspect.path("NetworkSettings").path("Networks");
        if (!NO_CONNECT_MODES.contains(mode)
                && !mode.startsWith("container:")
                && networks != null
                && networks.size() > 0) {
            String primary = mode.equals("default") ? "bridge" : mode;
            ObjectNode endpoints = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = networks.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> network = it.next();
                ObjectNode endpoint = endpoint(network.getValue(), shortId);
                if (network.getKey().equals(primary) || (endpoints.isEmpty() && !networks.has(primary))) {
                    endpoints.set(network.getKey(), endpoint);
                } else {
                    later.put(network.getKey(), endpoint);
                }
            }
            ObjectNode networking = NODES.objectNode();
            networking.set("EndpointsConfig", endpoints);
            body.set("NetworkingConfig", networking);
        }
        return new CreateBody(body, later);
    }

    /** What the user set on an endpoint; addresses the engine assigned are left for it to assign again. */
    private static ObjectNode endpoint(JsonNode settings, String oldShortId) {
        ObjectNode endpoint = NODES.objectNode();
        if (settings.hasNonNull("IPAMConfig") && settings.get("IPAMConfig").size() > 0) {
            endpoint.set("IPAMConfig", settings.get("IPAMConfig").deepCopy());
        }
        if (settings.hasNonNull("Links")) {
            endpoint.set("Links", settings.get("Links").deepCopy());
        }
        if (settings.hasNonNull("DriverOpts")) {
            endpoint.set("DriverOpts", settings.get("DriverOpts").deepCopy());
        }
        ArrayNode aliases = NODES.arrayNode();
        settings.path("Aliases").forEach(alias -> {
            if (!alias.asText().equals(oldShortId)) {
                aliases.add(alias.asText());
            }
        });
        if (!aliases.isEmpty()) {
            endpoint.set("Aliases", aliases);
        }
        return endpoint;
    }

    private static void subtractEnv(ObjectNode config, ObjectNode imageConfig) {
        if (!config.has("Env")) {
            return;
        }
        Set<String> fromImage = new HashSet<>();
        imageConfig.path("Env").forEach(e -> fromImage.add(e.asText()));
        ArrayNode kept = NODES.arrayNode();
        config.get("Env").forEach(e -> {
            if (!fromImage.contains(e.asText())) {
                kept.add(e.asText());
            }
        });
        config.set("Env", kept);
    }

    private static void subtractLabels(ObjectNode config, ObjectNode imageConfig) {
        if (!config.has("Labels") || !config.get("Labels").isObject()) {
            return;
        }
        ObjectNode labels = (ObjectNode) config.get("Labels");
        JsonNode imageLabels = imageConfig.path("Labels");
        List<String> inherited = new java.util.ArrayList<>();
        labels.fields().forEachRemaining(label -> {
            if (label.getValue().equals(imageLabels.get(label.getKey()))) {
                inherited.add(label.getKey());
            }
        });
        inherited.forEach(labels::remove);
    }

    /** Anonymous volumes are not in Binds: without this the new container would get empty ones. */
    private static void reattachAnonymousVolumes(ObjectNode inspect, ObjectNode hostConfig) {
        Set<String> declared = new HashSet<>();
        hostConfig.path("Binds").forEach(b -> {
            String[] parts = b.asText().split(":");
            if (parts.length >= 2) {
                declared.add(parts[1]);
            }
        });
        hostConfig.path("Mounts").forEach(m -> declared.add(m.path("Target").asText()));
        ArrayNode binds = hostConfig.has("Binds") && hostConfig.get("Binds").isArray()
                ? (ArrayNode) hostConfig.get("Binds")
                : NODES.arrayNode();
        inspect.path("Mounts").forEach(mount -> {
            String name = mount.path("Name").asText("");
            String destination = mount.path("Destination").asText("");
            if ("volume".equals(mount.path("Type").asText())
                    && VOLUME_ID.matcher(name).matches()
                    && !declared.contains(destination)) {
                binds.add(name + ":" + destination + (mount.path("RW").asBoolean(true) ? "" : ":ro"));
            }
        });
        if (!binds.isEmpty()) {
            hostConfig.set("Binds", binds);
        }
    }
}
