package io.keelson.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.runtime.configuration.DurationConverter;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * Binds catalog YAML and API JSON to {@link TargetSpec} with one set of rules, so a file and an API
 * call get the same errors: unknown keys are refused and every error names the field it is about.
 */
public final class SpecBinder {

    private static final SimpleModule DURATIONS = new SimpleModule()
            .addDeserializer(Duration.class, new HumanDurationDeserializer())
            .addSerializer(Duration.class, new HumanDurationSerializer());

    private static final ObjectMapper YAML = configure(YAMLMapper.builder().build());
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());

    private SpecBinder() {}

    /** The outcome of binding one document: a spec, or the reason it has none. */
    public sealed interface Bound permits Spec, Problem {}

    public record Spec(TargetSpec spec) implements Bound {}

    public record Problem(CatalogProblem problem) implements Bound {}

    public static Bound yaml(String source, String text) {
        return bind(YAML, source, text);
    }

    public static Bound json(String source, String text) {
        return bind(JSON, source, text);
    }

    /** The spec as compact JSON, the form in which the database keeps it. */
    public static String toJson(TargetSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise target " + spec.name(), e);
        }
    }

    /** Reads a spec the database kept; it was valid when stored. */
    public static TargetSpec fromStoredJson(String json) {
        try {
            return JSON.readValue(json, TargetSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored target does not parse: " + e.getOriginalMessage(), e);
        }
    }

    private static Bound bind(ObjectMapper mapper, String source, String text) {
        if (text == null || text.isBlank()) {
            return new Problem(new CatalogProblem(source, "", "is empty"));
        }
        try {
            TargetSpec spec = mapper.readValue(text, TargetSpec.class);
            if (spec == null) {
                return new Problem(new CatalogProblem(source, "", "is empty"));
            }
            return new Spec(spec);
        } catch (UnrecognizedPropertyException e) {
            return new Problem(new CatalogProblem(source, path(e), "unknown field"));
        } catch (InvalidFormatException e) {
            return new Problem(new CatalogProblem(source, path(e), "invalid value '" + e.getValue() + "'"));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException parse) {
                return new Problem(unparsable(source, parse));
            }
            return new Problem(new CatalogProblem(source, path(e), firstLine(e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            return new Problem(unparsable(source, e));
        }
    }

    private static CatalogProblem unparsable(String source, JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr();
        return new CatalogProblem(source, where, "does not parse: " + firstLine(e.getOriginalMessage()));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String firstLine(String message) {
        return message == null ? "invalid" : message.lines().findFirst().orElse(message);
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(DURATIONS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Reads durations as the catalog writes them: {@code 60s}, {@code 500ms}, {@code 2m} or ISO-8601. */
    private static final class HumanDurationDeserializer extends StdDeserializer<Duration> {
        HumanDurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            if (text == null || text.isBlank()) {
                return (Duration) ctx.handleWeirdStringValue(
                        Duration.class, String.valueOf(text), "expected a duration such as 30s");
            }
            try {
                Duration d = DurationConverter.parseDuration(text.trim());
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException();
                }
                return d;
            } catch (RuntimeException e) {
                return (Duration) ctx.handleWeirdStringValue(
                        Duration.class, text, "expected a duration such as 30s, 500ms or 2m");
            }
        }
    }

    /** Writes durations back in the catalog's own form. */
    private static final class HumanDurationSerializer extends StdSerializer<Duration> {
        HumanDurationSerializer() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            long ms = value.toMillis();
            gen.writeString(ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms");
        }
    }
}
