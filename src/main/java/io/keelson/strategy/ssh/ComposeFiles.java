package io.keelson.strategy.ssh;

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

    /** The parts of a compose configuration Keelson uses. */
    public record Model(String version, Map<String, String> images) {}

    public static Model parse(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return new Model(null, Map.of());
        }
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || !root.isObject()) {
                return new Model(null, Map.of());
            }
            String version = root.hasNonNull("version") ? root.get("version").asText() : null;
            Map<String, String> images = new LinkedHashMap<>();
            JsonNode services = root.path("services");
            for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> service = it.next();
                JsonNode image = service.getValue().get("image");
                images.put(service.getKey(), image == null || image.isNull() ? null : image.asText());
            }
            return new Model(version, images);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("compose YAML does not parse: " + e.getOriginalMessage(), e);
        }
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
