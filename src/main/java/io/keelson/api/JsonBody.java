package io.keelson.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads request bodies strictly (unknown fields are errors) and in one place, so a malformed or
 * misspelled body always gets the contract's 400 with the field named.
 */
@ApplicationScoped
public class JsonBody {

    private final ObjectMapper strict;

    public JsonBody(ObjectMapper json) {
        this.strict = json.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The body bound to {@code type}, or null when the body is empty. */
    public <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return strict.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw ErrorMappers.badJson(e);
        }
    }
}
