package io.keelson.strategy.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what Keelson needs from compose YAML (the file format version and each service's image)
 * and writes the override file that pins services by digest.
 */
public final class ComposeFiles {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();
    private static final String HEADER = "# Written by Keelson: each service pinned to the digest it deployed last.\n"
            + "# Keelson rewrites this file on every deployment; do not edit it by hand.\n";

    private ComposeFiles() {}

    /**
     * The parts of a compose configuration Keelson uses.
     *
     * @param images service → its image, null when it has none
     * @param published service → the host ports it publishes itself
     * @param named the services that set {@code container_name} (one container only, never two copies)
     */
    public record Model(
            String version,
            Map<String, String> images,
            Map<String, java.util.Set<Integer>> published,
            java.util.Set<String> named) {}

    private static final java.util.regex.Pattern SHORT_PORT =
            java.util.regex.Pattern.compile("(?:.*:)?(\\d{1,5})(?:-\\d{1,5})?:\\d{1,5}(?:-\\d{1,5})?(?:/\\w+)?");

    public static Model parse(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return new Model(null, Map.of(), Map.of(), java.util.Set.of());
        }
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || !root.isObject()) {
                return new Model(null, Map.of(), Map.of(), java.util.Set.of());
            }
            String version = root.hasNonNull("version") ? root.get("version").asText() : null;
            Map<String, String> images = new LinkedHashMap<>();
            Map<String, java.util.Set<Integer>> published = new LinkedHashMap<>();
            java.util.Set<String> named = new java.util.TreeSet<>();
            JsonNode services = root.path("services");
            for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> service = it.next();
                JsonNode image = service.getValue().get("image");
                images.put(service.getKey(), image == null || image.isNull() ? null : image.asText());
                published.put(service.getKey(), hostPorts(service.getValue().path("ports")));
                if (service.getValue().hasNonNull("container_name")) {
                    named.add(service.getKey());
                }
            }
            return new Model(version, images, published, named);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("compose YAML does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** The host ports of a service's {@code ports}, short ({@code "8080:8000"}) or long ({@code published:}) syntax. */
    private static java.util.Set<Integer> hostPorts(JsonNode ports) {
        java.util.Set<Integer> found = new java.util.TreeSet<>();
        for (JsonNode port : ports) {
            if (port.isObject() && port.hasNonNull("published")) {
                found.add(port.get("published").asInt());
            } else if (port.isTextual() || port.isNumber()) {
                var m = SHORT_PORT.matcher(port.asText());
                if (m.matches()) {
                    found.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return found;
    }

    /** The override file: the same format version as the user's files, one image line per pinned service. */
    public static String renderOverride(String version, Map<String, String> pins) {
        ObjectNode root = YAML.createObjectNode();
        if (version != null) {
            root.put("version", version);
        }
        ObjectNode services = root.putObject("services");
        new TreeMap<>(pins)
                .forEach((service, image) -> services.putObject(service).put("image", image));
        try {
            return HEADER + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the override file", e);
        }
    }
}
